package net.rsendmail.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A numeric IP address from admin input, never a name: dotted-quad IPv4 (four decimal parts, each
 * 0 to 255, no leading zeros), or IPv6 in its text forms without a zone. Nothing here reaches the
 * resolver: {@link InetAddress#getByName} is only given strings already known to be literals.
 */
public final class NumericAddress {
    private static final Pattern V4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private NumericAddress() {
    }

    /** The address {@code s} spells; throws with a reason when it is not a numeric address. */
    public static InetAddress parse(String s) {
        boolean v4 = V4.matcher(s).matches();
        if (v4) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("'" + s + "' is not an IPv4 address (a part above 255)");
                }
            }
        } else if (!V6.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + s + "' is not a numeric address");
        }
        try {
            // a literal either way (IPv4 checked above; a string with ':' is never looked up)
            return InetAddress.getByName(v4 ? s : "[" + s + "]");
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IPv6 address");
        }
    }

    /** {@code a} as OpenSSH writes it (RFC 5952 for IPv6: lower case, longest zero run as ::). */
    public static String text(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return a.getHostAddress();
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8;) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[i]));
        }
        return out.toString();
    }
}
