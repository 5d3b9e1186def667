package net.rsendmail.relay.serve;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
                int bits;
                try {
                    bits = Integer.parseInt(body.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("from=: bad prefix length in " + p);
                }
                if (bits < 0 || bits > addr.length * 8) {
                    throw new IllegalArgumentException("from=: prefix length out of range in " + p);
                }
                out.add(new Pattern(neg, null, prefix(addr, bits), bits, addr.length));
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
        String literal = client.getHostAddress().toLowerCase(Locale.ROOT);
        boolean positive = false;
        for (Pattern p : patterns) {
            boolean m = p.glob() != null ? glob(p.glob(), literal, 0, 0)
                    : addr.length == p.length() && prefix(addr, p.bits()).equals(p.network());
            if (m && p.negated()) {
                return false;
            }
            positive |= m;
        }
        return positive;
    }

    private static byte[] numeric(String s) {
        if (!s.matches("[0-9a-f:.]+")) {
            throw new IllegalArgumentException("from=: '" + s + "' is not a numeric address");
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("from=: bad address '" + s + "'");
        }
    }

    private static BigInteger prefix(byte[] addr, int bits) {
        BigInteger v = new BigInteger(1, addr);
        int drop = addr.length * 8 - bits;
        return v.shiftRight(drop);
    }

    private static boolean glob(String p, String s, int i, int j) {
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '*') {
                for (int k = j; k <= s.length(); k++) {
                    if (glob(p, s, i + 1, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (j >= s.length() || (c != '?' && c != s.charAt(j))) {
                return false;
            }
            i++;
            j++;
        }
        return j == s.length();
    }
}
