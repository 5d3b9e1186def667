package net.rsendmail.dns.spf;

/** Ends an evaluation with {@code result} (temperror or permerror, RFC 7208 §2.6.6-2.6.7). */
final class SpfException extends Exception {
    final SpfResult result;

    SpfException(SpfResult result, String why) {
        super(why, null, false, false);
        this.result = result;
    }

    static SpfException perm(String why) {
        return new SpfException(SpfResult.PERMERROR, why);
    }

    static SpfException temp(String why) {
        return new SpfException(SpfResult.TEMPERROR, why);
    }
}
