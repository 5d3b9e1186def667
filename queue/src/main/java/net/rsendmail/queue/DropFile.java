package net.rsendmail.queue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A maildrop file: a text header (same line rules as the envelope file) closed by "end",
 * then the raw message. The size field has a fixed width so the writer can fill it in after
 * streaming the message; the reader requires the file to be exactly header + size bytes.
 */
final class DropFile {
    static final String MAGIC = "rsendmail-maildrop 1";
    static final int SIZE_DIGITS = 20;
    static final int MAX_HEADER = 1 << 20;

    private DropFile() {
    }

    record Header(QueueId id, int uid, Instant created, long size, Envelope envelope, int length) {
    }

    /** The header bytes with a zero size; {@link #sizeOffset} tells where to write the real one. */
    static byte[] header(QueueId id, int uid, Instant created, Envelope env) {
        StringBuilder sb = new StringBuilder(256);
        sb.append(MAGIC).append('\n');
        sb.append("id ").append(id.value()).append('\n');
        sb.append("uid ").append(Integer.toUnsignedString(uid)).append('\n');
        sb.append("created ").append(created).append('\n');
        sb.append("size ").append("0".repeat(SIZE_DIGITS)).append('\n');
        sb.append("sender <").append(env.sender()).append(">\n");
        for (String r : env.recipients()) {
            sb.append("rcpt ").append(r).append('\n');
        }
        sb.append("end\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static int sizeOffset(byte[] header) {
        String s = new String(header, StandardCharsets.ISO_8859_1);
        return s.indexOf("\nsize ") + 6;
    }

    static byte[] sizeDigits(long size) {
        String s = Long.toString(size);
        return ("0".repeat(SIZE_DIGITS - s.length()) + s).getBytes(StandardCharsets.US_ASCII);
    }

    /** Parses the header from the first bytes of a drop file ({@code n} valid bytes in {@code buf}). */
    static Header parse(byte[] buf, int n) throws Damaged {
        int end = findEnd(buf, n);
        if (end < 0) {
            throw new Damaged("no \"end\" line within the first " + n + " bytes");
        }
        Lines in = new Lines(buf, end);
        in.expectLine(MAGIC);
        String idText = in.value("id");
        if (!QueueId.isValid(idText)) {
            throw in.error("bad id");
        }
        long uid = in.number("uid", 0xffffffffL);
        Instant created = in.instant("created");
        String sizeText = in.value("size");
        if (sizeText.length() != SIZE_DIGITS || !allDigits(sizeText)) {
            throw in.error("size must be " + SIZE_DIGITS + " digits");
        }
        long size;
        try {
            size = Long.parseLong(sizeText);
        } catch (NumberFormatException e) {
            throw in.error("size out of range");
        }
        String sender = in.sender("sender");
        List<String> rcpts = new ArrayList<>();
        while ("rcpt".equals(in.peekKey())) {
            rcpts.add(in.address(in.value("rcpt"), false));
        }
        if (rcpts.isEmpty()) {
            throw in.error("no recipients");
        }
        in.expectLine("end");
        if (in.hasNext()) {
            throw in.error("data after \"end\"");
        }
        return new Header(new QueueId(idText), (int) uid, created, size, new Envelope(sender, rcpts), end);
    }

    /** Offset just after the first "end\n" line, or -1. */
    private static int findEnd(byte[] b, int n) {
        int lineStart = 0;
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                if (i - lineStart == 3 && b[lineStart] == 'e' && b[lineStart + 1] == 'n' && b[lineStart + 2] == 'd') {
                    return i + 1;
                }
                lineStart = i + 1;
            }
        }
        return -1;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
