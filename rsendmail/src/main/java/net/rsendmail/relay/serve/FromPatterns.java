package net.rsendmail.relay.serve;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.rsendmail.config.NumericAddress;

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
        return parse(list, "from=", true);
    }

    /**
     * A certificate's {@code source-address} critical option (PROTOCOL.certkeys): addresses and
     * CIDR blocks only, no patterns and no negation.
     */
    static FromPatterns sourceAddress(String list) {
        return parse(list, "source-address", false);
    }

    private static FromPatterns parse(String list, String what, boolean patterns) {
        List<Pattern> out = new ArrayList<>();
        for (String p : list.split(",", -1)) {
            boolean neg = patterns && p.startsWith("!");
            String body = (neg ? p.substring(1) : p).toLowerCase(Locale.ROOT);
            if (body.isEmpty()) {
                throw new IllegalArgumentException(what + ": empty pattern");
            }
            int slash = body.indexOf('/');
            if (slash >= 0) {
                byte[] addr = numeric(what, body.substring(0, slash));
                String length = body.substring(slash + 1);
                if (!length.matches("[0-9]{1,3}")) {
                    throw new IllegalArgumentException(what + ": bad prefix length in " + p);
                }
                int bits = Integer.parseInt(length);
                if (bits > addr.length * 8) {
                    throw new IllegalArgumentException(what + ": prefix length out of range in " + p);
                }
                out.add(new Pattern(neg, null, prefix(addr, bits), bits, addr.length));
            } else if (!patterns || (body.indexOf('*') < 0 && body.indexOf('?') < 0)) {
                byte[] addr = numeric(what, body);
                out.add(new Pattern(neg, null, prefix(addr, addr.length * 8), addr.length * 8, addr.length));
            } else {
                if (!body.matches("[0-9a-f:.*?]+")) {
                    throw new IllegalArgumentException(what + ": '" + p + "' is a host name pattern; serve matches"
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
            boolean m = p.glob() != null ? Glob.matches(p.glob(), literal)
                    : addr.length == p.length() && prefix(addr, p.bits()).equals(p.network());
            if (m && p.negated()) {
                return false;
            }
            positive |= m;
        }
        return positive;
    }

    private static byte[] numeric(String what, String s) {
        try {
            return NumericAddress.parse(s).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage() + "; serve matches addresses only (no reverse DNS)");
        }
    }

    private static BigInteger prefix(byte[] addr, int bits) {
        BigInteger v = new BigInteger(1, addr);
        int drop = addr.length * 8 - bits;
        return v.shiftRight(drop);
    }
}
