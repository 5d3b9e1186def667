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
 * <p>The section ends at the first empty line, or at the first line that is neither a field
 * ({@code name:} with printable ASCII name) nor a continuation (starts with space or tab), which
 * then begins the body, as sendmail treats it.
 */
public final class HeaderBlock {
    /** One field; {@code end} includes its line ending and continuation lines. */
    public record Field(String name, int start, int end) {
    }

    private final byte[] data;
    private final List<Field> fields;
    private final int end;

    private HeaderBlock(byte[] data, List<Field> fields, int end) {
        this.data = data;
        this.fields = fields;
        this.end = end;
    }

    /** Scans the header section of {@code message} (the first {@code length} bytes are looked at). */
    public static HeaderBlock parse(byte[] message, int length) {
        List<Field> fields = new ArrayList<>();
        int pos = 0;
        int openStart = 0;
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
                fields.add(new Field(openName, openStart, pos));
                openName = null;
            }
            int colon = fieldName(message, pos, lineEnd);
            if (colon < 0) {
                break; // not a header line: the body starts here
            }
            openName = new String(message, pos, colon - pos, StandardCharsets.US_ASCII);
            openStart = pos;
            pos = lineEnd;
        }
        if (openName != null) {
            fields.add(new Field(openName, openStart, pos));
        }
        return new HeaderBlock(message, List.copyOf(fields), pos);
    }

    public List<Field> fields() {
        return fields;
    }

    /** Offset just past the last field. */
    public int end() {
        return end;
    }

    /** The unfolded body of a field (after the colon), decoded as UTF-8 (RFC 6532); null if malformed. */
    public String value(Field f) {
        int colon = f.start() + f.name().length();
        int from = colon + 1;
        try {
            String raw = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data, from, f.end() - from)).toString();
            return raw.replace("\r\n", "").replace("\n", "").strip();
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

    private static int lineEnd(byte[] b, int pos, int length) {
        for (int i = pos; i < length; i++) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }

    /** Offset of the colon if the line starts with a field name (RFC 5322 §3.6.8 ftext), else -1. */
    private static int fieldName(byte[] b, int pos, int lineEnd) {
        for (int i = pos; i < lineEnd; i++) {
            byte c = b[i];
            if (c == ':') {
                return i > pos ? i : -1;
            }
            if (c < 33 || c > 126) {
                return -1;
            }
        }
        return -1;
    }
}
