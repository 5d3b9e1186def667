package net.rsendmail.mtasts;

import java.util.Locale;

/**
 * The {@code mx} patterns of an MTA-STS policy (RFC 8461 §3.2: {@code ["*."] Domain}, Domain as in
 * RFC 5321 §4.1.2) and how an MX host name is matched against one (RFC 8461 §4.1).
 */
final class MxPattern {
    private MxPattern() {
    }

    /**
     * True when {@code s} is an RFC 5321 Domain: labels of letters, digits and '-' (neither first
     * nor last), 1 to 63 characters each, at most 253 in all, no trailing dot.
     */
    static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        int label = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (label == 0 || s.charAt(i - 1) == '-') {
                    return false;
                }
                label = 0;
            } else if (isLetDig(c) || (c == '-' && label > 0)) {
                if (++label > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return label > 0 && s.charAt(s.length() - 1) != '-';
    }

    /** True when {@code s} is a Domain, or "*." and a Domain. */
    static boolean isPattern(String s) {
        return isDomain(s.startsWith("*.") ? s.substring(2) : s);
    }

    /**
     * §4.1: {@code host} equals {@code pattern}, or the pattern is {@code *.SUFFIX} and the host is
     * one more label in front of SUFFIX. Case-insensitive; one trailing dot on the host is ignored.
     * {@code pattern} is a valid pattern in lower case.
     */
    static boolean matches(String pattern, String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (!isDomain(h)) {
            return false;
        }
        h = h.toLowerCase(Locale.ROOT);
        if (!pattern.startsWith("*.")) {
            return pattern.equals(h);
        }
        String suffix = pattern.substring(1); // ".example.com"
        int cut = h.length() - suffix.length();
        return cut > 0 && h.endsWith(suffix) && h.indexOf('.') == cut;
    }

    private static boolean isLetDig(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
