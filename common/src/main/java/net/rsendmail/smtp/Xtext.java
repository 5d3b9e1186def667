package net.rsendmail.smtp;

/** RFC 3461 §4 xtext, as used by ENVID and ORCPT: printable ASCII, "+" and "=" written as "+XX". */
public final class Xtext {
    private Xtext() {
    }

    /** Decodes {@code s}, or returns null when it is not valid xtext. */
    public static String decode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = hex(s.charAt(i + 1));
                int lo = hex(s.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                b.append((char) (hi * 16 + lo));
                i += 2;
            } else if (c >= '!' && c <= '~' && c != '=') {
                b.append(c);
            } else {
                return null;
            }
        }
        return b.toString();
    }

    /** Encodes {@code s} (printable ASCII expected) as xtext. */
    public static String encode(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > ' ' && c < 0x7f && c != '+' && c != '=') {
                b.append(c);
            } else {
                b.append('+').append(Character.toUpperCase(Character.forDigit(c >> 4 & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** RFC 3461 hexchar uses upper-case digits only. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
