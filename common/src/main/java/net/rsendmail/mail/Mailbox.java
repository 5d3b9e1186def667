package net.rsendmail.mail;

import java.nio.charset.StandardCharsets;

/**
 * An envelope address: RFC 5321 §4.1.2 Mailbox, {@code local-part@domain}, checked by a whitelist.
 *
 * <p>Accepted: a Dot-string local part of atext characters (RFC 5322 §3.2.3) and a domain of
 * LDH labels (RFC 5321 §4.1.2) or an address literal ({@code [192.0.2.1]}, {@code [IPv6:…]}).
 * Non-ASCII letters are allowed in both parts (RFC 6531, SMTPUTF8). Refused: quoted local parts,
 * whitespace, control and format characters, a leading dash, and anything over the limits of
 * RFC 5321 §4.5.3.1 (64-octet local part, 255-octet domain, 254-octet mailbox).
 */
public final class Mailbox {
    public static final int MAX_LOCAL = 64;
    public static final int MAX_DOMAIN = 255;
    public static final int MAX_MAILBOX = 254;
    private static final int MAX_LABEL = 63;

    private final String local;
    private final String domain;

    private Mailbox(String local, String domain) {
        this.local = local;
        this.domain = domain;
    }

    /** Parses a full {@code local@domain} address. */
    public static Mailbox parse(String text) throws AddressException {
        return parse(text, false);
    }

    /**
     * Parses an address; with {@code allowBareLocal} a local part without a domain is accepted too
     * (the relay MTA then qualifies it).
     */
    public static Mailbox parse(String text, boolean allowBareLocal) throws AddressException {
        if (text == null || text.isEmpty()) {
            throw new AddressException("empty address");
        }
        if (text.charAt(0) == '-') {
            throw new AddressException("address starts with '-'");
        }
        checkCharacters(text);
        if (octets(text) > MAX_MAILBOX) {
            throw new AddressException("address longer than " + MAX_MAILBOX + " octets");
        }
        int at = text.lastIndexOf('@');
        if (at < 0) {
            if (!allowBareLocal) {
                throw new AddressException("no domain");
            }
            checkLocal(text);
            return new Mailbox(text, null);
        }
        String local = text.substring(0, at);
        String domain = text.substring(at + 1);
        checkLocal(local);
        checkDomain(domain);
        return new Mailbox(local, domain);
    }

    /** Whether {@code text} would parse; for callers that only need a yes or no. */
    public static boolean isValid(String text, boolean allowBareLocal) {
        try {
            parse(text, allowBareLocal);
            return true;
        } catch (AddressException e) {
            return false;
        }
    }

    public String local() {
        return local;
    }

    /** The domain, or null for a bare local part. */
    public String domain() {
        return domain;
    }

    public boolean isBare() {
        return domain == null;
    }

    @Override
    public String toString() {
        return domain == null ? local : local + "@" + domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mailbox m && m.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    private static void checkCharacters(String text) throws AddressException {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c <= ' ' || c == 0x7f) {
                throw new AddressException(c == ' ' || c == '\t'
                        ? "whitespace in address" : "control character in address");
            }
            if (c >= 0x80 && !isAllowedNonAscii(c)) {
                throw new AddressException("character U+" + Integer.toHexString(c).toUpperCase()
                        + " not allowed in address");
            }
            i += Character.charCount(c);
        }
    }

    private static boolean isAllowedNonAscii(int c) {
        if (Character.isSurrogate((char) c) && c <= 0xffff) {
            return false; // an unpaired surrogate is not a character
        }
        if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
            return false;
        }
        int type = Character.getType(c);
        return type != Character.FORMAT && type != Character.UNASSIGNED && type != Character.PRIVATE_USE
                && type != Character.SURROGATE;
    }

    private static void checkLocal(String local) throws AddressException {
        if (local.isEmpty()) {
            throw new AddressException("empty local part");
        }
        if (octets(local) > MAX_LOCAL) {
            throw new AddressException("local part longer than " + MAX_LOCAL + " octets");
        }
        if (local.charAt(0) == '"') {
            throw new AddressException("quoted local parts are not accepted");
        }
        // Dot-string = Atom *("." Atom): no leading, trailing or double dot.
        if (local.charAt(0) == '.' || local.charAt(local.length() - 1) == '.' || local.contains("..")) {
            throw new AddressException("misplaced dot in local part");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c != '.' && !isAtext(c)) {
                throw new AddressException("character '" + c + "' not allowed in local part");
            }
        }
    }

    /** RFC 5322 §3.2.3 atext, plus non-ASCII for RFC 6531. */
    private static boolean isAtext(char c) {
        if (c >= 0x80) {
            return true; // already screened by checkCharacters
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return true;
        }
        return "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    private static void checkDomain(String domain) throws AddressException {
        if (domain.isEmpty()) {
            throw new AddressException("empty domain");
        }
        if (octets(domain) > MAX_DOMAIN) {
            throw new AddressException("domain longer than " + MAX_DOMAIN + " octets");
        }
        if (domain.charAt(0) == '[') {
            checkAddressLiteral(domain);
            return;
        }
        int start = 0;
        while (true) {
            int dot = domain.indexOf('.', start);
            int end = dot < 0 ? domain.length() : dot;
            checkLabel(domain.substring(start, end));
            if (dot < 0) {
                return;
            }
            start = dot + 1;
        }
    }

    private static void checkLabel(String label) throws AddressException {
        if (label.isEmpty()) {
            throw new AddressException("empty label in domain");
        }
        if (octets(label) > MAX_LABEL) {
            throw new AddressException("domain label longer than " + MAX_LABEL + " octets");
        }
        if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
            throw new AddressException("domain label starts or ends with '-'");
        }
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c >= 0x80;
            if (!ok) {
                throw new AddressException("character '" + c + "' not allowed in domain");
            }
        }
    }

    /** RFC 5321 §4.1.3 address literals: IPv4 dotted quad or "IPv6:" followed by an IPv6 address. */
    private static void checkAddressLiteral(String literal) throws AddressException {
        if (literal.length() < 3 || literal.charAt(literal.length() - 1) != ']') {
            throw new AddressException("unterminated address literal");
        }
        String inner = literal.substring(1, literal.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            String v6 = inner.substring(5);
            if (v6.isEmpty() || v6.length() > 45) {
                throw new AddressException("bad IPv6 address literal");
            }
            for (int i = 0; i < v6.length(); i++) {
                char c = v6.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                        || c == ':' || c == '.';
                if (!ok) {
                    throw new AddressException("bad IPv6 address literal");
                }
            }
            return;
        }
        String[] parts = inner.split("\\.", -1);
        if (parts.length != 4) {
            throw new AddressException("bad IPv4 address literal");
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                throw new AddressException("bad IPv4 address literal");
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    throw new AddressException("bad IPv4 address literal");
                }
            }
            if (Integer.parseInt(p) > 255) {
                throw new AddressException("bad IPv4 address literal");
            }
        }
    }

    private static int octets(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c < 0x80 ? 1 : 0;
        }
        return n == s.length() ? n : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
