package net.rsendmail.dns.spf;

import java.util.Locale;

/** The results of check_host() (RFC 7208 §2.6). */
public enum SpfResult {
    NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

    /** As RFC 7208 and Received-SPF write it: {@code pass}, {@code softfail}, ... */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
