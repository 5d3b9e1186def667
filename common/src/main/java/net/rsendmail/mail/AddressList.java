package net.rsendmail.mail;

import java.util.ArrayList;
import java.util.List;

/**
 * Extracts the addr-specs of an RFC 5322 §3.4 address-list (To, Cc, Bcc, From, Sender field bodies).
 *
 * <p>Understands display names, quoted strings, nested comments, angle addresses, groups
 * ({@code undisclosed-recipients:;}) and the obsolete source route {@code <@a,@b:x@y>}
 * (RFC 5322 §4.4). It returns the addresses as written; {@link Mailbox} decides if they are valid.
 */
public final class AddressList {
    /** One addr-spec as written, and the offset just past its last character in the field body. */
    public record Spec(String address, int end) {
    }

    private final String s;
    private int i;
    /** Offset just past the last character taken into the current address. */
    private int mark;

    private AddressList(String s) {
        this.s = s;
    }

    /** The addresses in {@code fieldBody}, in order. */
    public static List<String> parse(String fieldBody) throws AddressException {
        return locate(fieldBody).stream().map(Spec::address).toList();
    }

    /**
     * The addresses in {@code fieldBody} with where each ends, so that a bare one can be qualified
     * in place (Postfix append_at_myorigin) with every comment and display name kept.
     */
    public static List<Spec> locate(String fieldBody) throws AddressException {
        AddressList p = new AddressList(fieldBody);
        List<Spec> out = new ArrayList<>();
        p.list(out);
        return out;
    }

    private void list(List<Spec> out) throws AddressException {
        boolean inGroup = false;
        while (true) {
            skipCfws();
            if (i >= s.length()) {
                if (inGroup) {
                    throw new AddressException("group without ';'");
                }
                return;
            }
            char c = s.charAt(i);
            if (c == ',') {
                i++;
                continue;
            }
            if (c == ';') {
                if (!inGroup) {
                    throw new AddressException("';' outside a group");
                }
                inGroup = false;
                i++;
                continue;
            }
            StringBuilder phrase = new StringBuilder();
            int stop = words(phrase);
            if (stop == ':') {
                if (inGroup) {
                    throw new AddressException("nested group");
                }
                inGroup = true;
                i++;
                continue;
            }
            if (stop == '<') {
                i++;
                String a = angle();
                out.add(new Spec(a, mark));
                continue;
            }
            if (phrase.length() == 0) {
                throw new AddressException("unexpected '" + s.charAt(i) + "'");
            }
            out.add(new Spec(phrase.toString(), mark));
        }
    }

    /**
     * Reads atoms, dots, '@', quoted strings and domain literals up to a delimiter, dropping
     * comments and folding white space. Returns the delimiter seen (',', ';', ':', '<') or -1 at end.
     */
    private int words(StringBuilder text) throws AddressException {
        while (true) {
            skipCfws();
            if (i >= s.length()) {
                return -1;
            }
            char c = s.charAt(i);
            switch (c) {
                case ',': case ';': case ':': case '<':
                    return c;
                case '>': case ')':
                    throw new AddressException("unexpected '" + c + "'");
                case '"':
                    text.append(quoted());
                    break;
                case '[':
                    text.append(literal());
                    break;
                default:
                    text.append(c);
                    i++;
            }
            mark = i;
        }
    }

    private String angle() throws AddressException {
        skipCfws();
        if (i < s.length() && s.charAt(i) == '@') {
            // obs-route: "@a,@b:" before the address; skip it.
            int colon = s.indexOf(':', i);
            if (colon < 0) {
                throw new AddressException("bad source route");
            }
            i = colon + 1;
        }
        StringBuilder addr = new StringBuilder();
        mark = i;
        while (true) {
            skipCfws();
            if (i >= s.length()) {
                throw new AddressException("'<' without '>'");
            }
            char c = s.charAt(i);
            if (c == '>') {
                i++;
                return addr.toString();
            }
            if (c == '"') {
                addr.append(quoted());
            } else if (c == '[') {
                addr.append(literal());
            } else if (c == '<' || c == ',' || c == ';' || c == ':') {
                throw new AddressException("unexpected '" + c + "' in angle address");
            } else {
                addr.append(c);
                i++;
            }
            mark = i;
        }
    }

    private String quoted() throws AddressException {
        int start = i++;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            i++;
            if (c == '"') {
                return s.substring(start, i);
            }
        }
        throw new AddressException("unterminated quoted string");
    }

    private String literal() throws AddressException {
        int end = s.indexOf(']', i);
        if (end < 0) {
            throw new AddressException("unterminated domain literal");
        }
        String lit = s.substring(i, end + 1);
        i = end + 1;
        return lit;
    }

    /** Skips folding white space and (nested) comments, RFC 5322 §3.2.2. */
    private void skipCfws() throws AddressException {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (c == '(') {
                int depth = 0;
                do {
                    if (i >= s.length()) {
                        throw new AddressException("unterminated comment");
                    }
                    char d = s.charAt(i++);
                    if (d == '\\') {
                        i++;
                    } else if (d == '(') {
                        depth++;
                    } else if (d == ')') {
                        depth--;
                    }
                } while (depth > 0);
            } else {
                return;
            }
        }
    }
}
