package net.rsendmail.queue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Strict reader of the "key value" lines shared by the envelope and maildrop formats. */
final class Lines {
    private final String[] lines;
    private int next;

    /** {@code data} must be UTF-8 and end with a line feed. */
    Lines(byte[] data, int length) throws Damaged {
        if (length == 0) {
            throw new Damaged("file is empty");
        }
        if (data[length - 1] != '\n') {
            throw new Damaged("last line is not terminated (truncated?)");
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, 0, length - 1)).toString();
        } catch (CharacterCodingException e) {
            throw new Damaged("not UTF-8");
        }
        this.lines = s.split("\n", -1);
    }

    boolean hasNext() {
        return next < lines.length;
    }

    String peekKey() {
        if (!hasNext()) {
            return null;
        }
        String l = lines[next];
        int sp = l.indexOf(' ');
        return sp < 0 ? l : l.substring(0, sp);
    }

    /** The next line, which must be exactly {@code line}. */
    void expectLine(String line) throws Damaged {
        if (!hasNext() || !lines[next].equals(line)) {
            throw new Damaged("line " + (next + 1) + ": expected \"" + line + "\"");
        }
        next++;
    }

    /** The value of the next line, which must be {@code key SP value} (value may be empty only if allowed). */
    String value(String key) throws Damaged {
        if (!hasNext()) {
            throw new Damaged("missing \"" + key + "\" line");
        }
        String l = lines[next];
        if (l.equals(key)) {
            next++;
            return "";
        }
        if (!l.startsWith(key + " ")) {
            throw new Damaged("line " + (next + 1) + ": expected \"" + key + "\"");
        }
        next++;
        String v = l.substring(key.length() + 1);
        if (v.isEmpty()) {
            throw new Damaged("line " + next + ": space after \"" + key + "\" but no value");
        }
        checkNoControls(v);
        return v;
    }

    int lineNumber() {
        return next;
    }

    Damaged error(String what) {
        return new Damaged("line " + next + ": " + what);
    }

    void checkNoControls(String v) throws Damaged {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw error("control character");
            }
        }
    }

    long number(String key, long max) throws Damaged {
        String v = value(key);
        if (!Owner.isDecimal(v) || (v.length() > 1 && v.charAt(0) == '0')) {
            throw error("\"" + key + "\" is not a plain decimal number");
        }
        long n = Long.parseLong(v);
        if (n > max) {
            throw error("\"" + key + "\" out of range");
        }
        return n;
    }

    Instant instant(String key) throws Damaged {
        String v = value(key);
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw error("\"" + key + "\" is not an ISO-8601 instant");
        }
    }

    /** "<addr>" or "<>" (null sender). */
    String sender(String key) throws Damaged {
        String v = value(key);
        if (v.length() < 2 || v.charAt(0) != '<' || v.charAt(v.length() - 1) != '>') {
            throw error("\"" + key + "\" is not <address>");
        }
        return address(v.substring(1, v.length() - 1), true);
    }

    String address(String a, boolean emptyAllowed) throws Damaged {
        try {
            return Checks.address(a, emptyAllowed, "address");
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** The text after {@code "key "}, or "" if the line is just the key; percent-decoded. */
    String text(String key) throws Damaged {
        return decode(value(key));
    }

    /** Free text on one line: '%' and control characters become %XX (uppercase hex). */
    static String encode(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '%') {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    String decode(String s) throws Damaged {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                sb.append(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                throw error("truncated %XX escape");
            }
            int hi = hex(s.charAt(i + 1));
            int lo = hex(s.charAt(i + 2));
            if (hi < 0 || lo < 0) {
                throw error("bad %XX escape");
            }
            char d = (char) (hi << 4 | lo);
            if (!(d < 0x20 || d == 0x7f || d == '%')) {
                throw error("needless %XX escape"); // one spelling per text keeps the format canonical
            }
            sb.append(d);
            i += 2;
        }
        return sb.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
