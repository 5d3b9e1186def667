package net.rsendmail.mail;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The header section at the start of a message (RFC 5322 §2.2): fields with their byte ranges, so
 * that a field can be read or cut out while every other byte stays as it was.
 *
 * <p>Lines are read as the relay's MTA reads them (Postfix is_header.c, cleanup): a leading mbox
 * {@code From } line is skipped, as Postfix's sendmail skips it; a field is a name of printable
 * ASCII, optional white space (RFC 5322 §4.5.1 obsolete syntax, {@code Bcc :}) and a colon; a line
 * starting with space or tab continues the open field. The section ends at the first empty line or
 * at the first line that is neither, which then begins the body.
 */
public final class HeaderBlock {
    /**
     * One field; {@code colon} is the offset of its colon, {@code end} includes its line ending and
     * continuation lines.
     */
    public record Field(String name, int start, int colon, int end) {
    }

    private static final byte[] MBOX_FROM = {'F', 'r', 'o', 'm', ' '};

    private final byte[] data;
    private final List<Field> fields;
    private final int start;
    private final int end;

    private HeaderBlock(byte[] data, List<Field> fields, int start, int end) {
        this.data = data;
        this.fields = fields;
        this.start = start;
        this.end = end;
    }

    /** Scans the header section of {@code message} (the first {@code length} bytes are looked at). */
    public static HeaderBlock parse(byte[] message, int length) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        if (startsWith(message, length, MBOX_FROM)) {
            pos = lineEnd(message, 0, length);
        }
        int fieldsStart = pos;
        int openStart = 0;
        int openColon = 0;
        String openName = null;
        while (pos < length) {
            int lineEnd = lineEnd(message, pos, length);
            byte first = message[pos];
            boolean empty = first == '\n' || (first == '\r' && pos + 1 < length && message[pos + 1] == '\n');
            if (empty) {
                break;
            }
            if ((first == ' ' || first == '\t') && openName != null) {
                pos = lineEnd; // continuation line of the open field
                continue;
            }
            if (openName != null) {
                fields.add(new Field(openName, openStart, openColon, pos));
                openName = null;
            }
            int nameEnd = nameEnd(message, pos, lineEnd);
            int colon = nameEnd < 0 ? -1 : colonAfter(message, nameEnd, lineEnd);
            if (colon < 0) {
                break; // not a header line: the body starts here
            }
            openName = new String(message, pos, nameEnd - pos, StandardCharsets.US_ASCII);
            openStart = pos;
            openColon = colon;
            pos = lineEnd;
        }
        if (openName != null) {
            fields.add(new Field(openName, openStart, openColon, pos));
        }
        return new HeaderBlock(message, List.copyOf(fields), fieldsStart, pos);
    }

    public List<Field> fields() {
        return fields;
    }

    /** Offset of the first field: past a leading mbox {@code From } line, else 0. */
    public int start() {
        return start;
    }

    /** Offset just past the last field. */
    public int end() {
        return end;
    }

    /** The unfolded body of a field (after the colon), decoded as UTF-8 (RFC 6532); null if malformed. */
    public String value(Field f) {
        String raw = raw(f);
        return raw == null ? null : raw.replace("\r\n", "").replace("\n", "").strip();
    }

    /**
     * The body of a field as written (after the colon, folding and line ending kept), decoded as
     * UTF-8; null if malformed. Encoding it again gives back the same bytes.
     */
    public String raw(Field f) {
        int from = f.colon() + 1;
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, from, f.end() - from)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Every field whose name equals {@code name}, ignoring case (RFC 5322 §1.2.2). */
    public List<Field> named(String name) {
        List<Field> out = new ArrayList<>();
        String lower = name.toLowerCase(Locale.ROOT);
        for (Field f : fields) {
            if (f.name().toLowerCase(Locale.ROOT).equals(lower)) {
                out.add(f);
            }
        }
        return out;
    }

    /** The addresses in all fields called {@code names}; throws if a field does not parse. */
    public List<String> addresses(String... names) throws AddressException {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            for (Field f : named(n)) {
                String v = value(f);
                if (v == null) {
                    throw new AddressException(f.name() + " field is not valid UTF-8");
                }
                try {
                    out.addAll(AddressList.parse(v));
                } catch (AddressException e) {
                    throw new AddressException(f.name() + " field: " + e.getMessage());
                }
            }
        }
        return out;
    }

    /** Byte ranges to skip to drop every field called {@code name}, in order, as {start, end} pairs. */
    public List<int[]> rangesOf(String name) {
        List<int[]> out = new ArrayList<>();
        for (Field f : named(name)) {
            out.add(new int[] {f.start(), f.end()});
        }
        return out;
    }

    /**
     * The fields {@code sendmail -t} takes recipients from: Resent-To, Resent-Cc and Resent-Bcc
     * when the message has any Resent- field (it is being resent, RFC 5322 §3.6.6), else To, Cc and
     * Bcc, as sendmail's headers.c does.
     */
    public List<String> recipientFieldNames() {
        for (Field f : fields) {
            if (f.name().regionMatches(true, 0, "Resent-", 0, 7)) {
                return List.of("Resent-To", "Resent-Cc", "Resent-Bcc");
            }
        }
        return List.of("To", "Cc", "Bcc");
    }

    /** {@code -t}: the byte ranges of every Bcc and Resent-Bcc field, ascending, to cut out. */
    public List<int[]> blindCopyRanges() {
        List<int[]> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equalsIgnoreCase("Bcc") || f.name().equalsIgnoreCase("Resent-Bcc")) {
                out.add(new int[] {f.start(), f.end()});
            }
        }
        return out;
    }

    private static boolean startsWith(byte[] b, int length, byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lineEnd(byte[] b, int pos, int length) {
        for (int i = pos; i < length; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }

    /** Offset just past a field name (RFC 5322 §3.6.8 ftext: printable ASCII but colon) at pos, else -1. */
    private static int nameEnd(byte[] b, int pos, int lineEnd) {
        int i = pos;
        while (i < lineEnd && b[i] >= 33 && b[i] <= 126 && b[i] != ':') {
            i++;
        }
        return i > pos ? i : -1;
    }

    /** The colon after a name and optional spaces and tabs (RFC 5322 §4.5.1), else -1. */
    private static int colonAfter(byte[] b, int pos, int lineEnd) {
        int i = pos;
        while (i < lineEnd && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i < lineEnd && b[i] == ':' ? i : -1;
    }
}
