package net.rsendmail.mail;

/** Makes a client's word safe to print on one line or log: escapes controls, cuts it short. */
public final class Printable {
    private static final int MAX = 80;

    private Printable() {
    }

    public static String of(String word) {
        return of(word, MAX);
    }

    /** Like {@link #of(String)}, cut after {@code max} characters: for whole reply and status lines. */
    public static String of(String word, int max) {
        StringBuilder b = new StringBuilder(Math.min(word.length(), max) + 8);
        for (int i = 0; i < word.length(); i++) {
            if (b.length() >= max) {
                b.append("...");
                break;
            }
            char c = word.charAt(i);
            if (c < ' ' || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else if (c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                // Line separators and bidi controls could forge or hide text in a terminal or log.
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
