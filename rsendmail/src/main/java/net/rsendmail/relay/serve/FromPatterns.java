package net.rsendmail.relay.serve;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.rsendmail.relay.config.NumericAddress;

/**
 * The {@code from="pattern-list"} of an authorized_keys line, matched against the client's address
 * only, never a name: serve does no reverse DNS (sshd_config UseDNS no). Patterns are addresses
 * with {@code *} and {@code ?}, or CIDR {@code address/bits}; {@code !} negates, and a negated
 * match refuses whatever else matches (ssh_config(5) PATTERNS). A pattern that could only match a
 * host name is refused when the file is read, since it would never match here.
 */
final class FromPatterns {
    private record Pattern(boolean negated, String glob, BigInteger network, int bits, int length) {
    }

    private final List<Pattern> patterns;
    private final String text;

    private FromPatterns(List<Pattern> patterns, String text) {
        this.patterns = patterns;
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }

    static FromPatterns parse(String list) {
        List<Pattern> out = new ArrayList<>();
        for (String p : list.split(",", -1)) {
            boolean neg = p.startsWith("!");
            String body = (neg ? p.substring(1) : p).toLowerCase(Locale.ROOT);
            if (body.isEmpty()) {
                throw new IllegalArgumentException("from=: empty pattern");
            }
            int slash = body.indexOf('/');
            if (slash >= 0) {
                byte[] addr = numeric(body.substring(0, slash));
                String length = body.substring(slash + 1);
                if (!length.matches("[0-9]{1,3}")) {
                    throw new IllegalArgumentException("from=: bad prefix length in " + p);
                }
                int bits = Integer.parseInt(length);
                if (bits > addr.length * 8) {
                    throw new IllegalArgumentException("from=: prefix length out of range in " + p);
                }
                out.add(new Pattern(neg, null, prefix(addr, bits), bits, addr.length));
            } else if (body.indexOf('*') < 0 && body.indexOf('?') < 0) {
                byte[] addr = numeric(body);
                out.add(new Pattern(neg, null, prefix(addr, addr.length * 8), addr.length * 8, addr.length));
            } else {
                if (!body.matches("[0-9a-f:.*?]+")) {
                    throw new IllegalArgumentException("from=: '" + p + "' is a host name pattern; serve matches"
                            + " addresses only (no reverse DNS)");
                }
                out.add(new Pattern(neg, body, null, 0, 0));
            }
        }
        return new FromPatterns(List.copyOf(out), list);
    }

    boolean matches(InetAddress client) {
        byte[] addr = client.getAddress();
        String literal = NumericAddress.text(client);
        boolean positive = false;
        for (Pattern p : patterns) {
            boolean m = p.glob() != null ? glob(p.glob(), literal)
                    : addr.length == p.length() && prefix(addr, p.bits()).equals(p.network());
            if (m && p.negated()) {
                return false;
            }
            positive |= m;
        }
        return positive;
    }

    private static byte[] numeric(String s) {
        try {
            return NumericAddress.parse(s).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("from=: " + e.getMessage() + "; serve matches addresses only (no reverse DNS)");
        }
    }

    private static BigInteger prefix(byte[] addr, int bits) {
        BigInteger v = new BigInteger(1, addr);
        int drop = addr.length * 8 - bits;
        return v.shiftRight(drop);
    }

    /** {@code *} and {@code ?} against {@code s}, without backtracking recursion: time at most the product of the two lengths */
    private static boolean glob(String p, String s) {
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
