package net.rsendmail.dns;

import java.util.Locale;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * Names we are willing to look up: letters, digits, '-' (not first or last in a label) and '_'
 * (service labels such as {@code _25._tcp}, {@code _dmarc}), labels of 1 to 63 characters, at
 * most 253 in all, one optional trailing dot (RFC 1035 §2.3.4). Anything else (escapes, spaces,
 * empty labels, non-ASCII) is refused before it reaches a resolver.
 */
public final class DnsName {
    private DnsName() {
    }

    /** The absolute name {@code text} spells, or null when it is not one we look up. */
    public static Name parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (s.isEmpty() || s.length() > 253) {
            return null;
        }
        int label = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (label == 0 || s.charAt(i - 1) == '-') {
                    return null;
                }
                label = 0;
                continue;
            }
            if (c == '-' && label == 0) {
                return null; // RFC 952/1123: a label neither starts nor ends with '-'
            }
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_';
            if (!ok || ++label > 63) {
                return null;
            }
        }
        if (label == 0 || s.charAt(s.length() - 1) == '-') {
            return null;
        }
        try {
            return Name.fromString(s.toLowerCase(Locale.ROOT) + ".");
        } catch (TextParseException e) {
            return null;
        }
    }

    /** {@code name} as we print it: lower case, no trailing dot ("." for the root). */
    public static String text(Name name) {
        return name.equals(Name.root) ? "." : name.toString(true).toLowerCase(Locale.ROOT);
    }
}
