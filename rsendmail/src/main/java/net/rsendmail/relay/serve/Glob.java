package net.rsendmail.relay.serve;

/**
 * A pattern with {@code *} (any run) and {@code ?} (any one character), as in ssh_config(5)
 * PATTERNS; used for {@code from=} addresses and {@code principal_policy} principals.
 */
final class Glob {
    private Glob() {
    }

    /** Whether {@code p} matches all of {@code s}; no backtracking recursion: time at most the product of the lengths. */
    static boolean matches(String p, String s) {
        int i = 0;
        int j = 0;
        int star = -1;
        int mark = 0;
        while (j < s.length()) {
            if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == s.charAt(j))) {
                i++;
                j++;
            } else if (i < p.length() && p.charAt(i) == '*') {
                star = i++;
                mark = j;
            } else if (star >= 0) {
                i = star + 1;
                j = ++mark;
            } else {
                return false;
            }
        }
        while (i < p.length() && p.charAt(i) == '*') {
            i++;
        }
        return i == p.length();
    }
}
