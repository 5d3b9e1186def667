package net.rsendmail.queue;

/** Input rules shared by the public records; kept in one place so the file formats can rely on them. */
final class Checks {
    /** RFC 5321 4.5.3.1.3 limits a path to 256 octets; leave room for UTF-8 (RFC 6531). */
    static final int MAX_ADDRESS = 512;
    /** Error texts are kept to one short line in the envelope file. */
    static final int MAX_TEXT = 1000;

    private Checks() {
    }

    /**
     * Addresses are stored one per line, space separated, and sent to the relay as single
     * arguments; so no whitespace, no control characters (C0, DEL, C1), no angle brackets.
     */
    static String address(String a, boolean emptyAllowed, String what) {
        if (a == null) {
            throw new IllegalArgumentException(what + " is null");
        }
        if (a.isEmpty()) {
            if (emptyAllowed) {
                return a;
            }
            throw new IllegalArgumentException(what + " is empty");
        }
        if (a.length() > MAX_ADDRESS) {
            throw new IllegalArgumentException(what + " longer than " + MAX_ADDRESS + " characters");
        }
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c == '<' || c == '>'
                    || Character.isWhitespace(c) || Character.isSpaceChar(c)
                    || Character.isSurrogate(c) && !validSurrogate(a, i)) {
                throw new IllegalArgumentException(what + " contains a forbidden character at "
                        + i + ": " + QueueId.printable(a));
            }
        }
        return a;
    }

    private static boolean validSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** An RFC 3463 enhanced status code ("4.4.1"), or "" for none. */
    static String status(String s) {
        if (s == null || s.isEmpty()) {
            return "";
        }
        if (!isStatus(s)) {
            throw new IllegalArgumentException("not an RFC 3463 enhanced status code: " + QueueId.printable(s));
        }
        return s;
    }

    static boolean isStatus(String s) {
        // class "." subject "." detail; class 2, 4 or 5; subject and detail 1 to 3 digits (RFC 3463 section 2)
        if (s.length() < 5 || s.length() > 9) {
            return false;
        }
        char k = s.charAt(0);
        if ((k != '2' && k != '4' && k != '5') || s.charAt(1) != '.') {
            return false;
        }
        int dot = s.indexOf('.', 2);
        return dot > 2 && digits(s, 2, dot) && digits(s, dot + 1, s.length());
    }

    private static boolean digits(String s, int from, int to) {
        int n = to - from;
        if (n < 1 || n > 3) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Free text: null becomes "", long text is cut; line breaks are escaped by the file format. */
    static String text(String s) {
        if (s == null) {
            return "";
        }
        return s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) : s;
    }
}
