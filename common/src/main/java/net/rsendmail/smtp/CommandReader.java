package net.rsendmail.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads SMTP/LMTP command lines with bounded memory: a line ends at LF (a CR before it is
 * dropped, so a bare-LF client still works; inside DATA only CRLF.CRLF ends, see
 * {@link DotCodec}); a line over {@link #MAX_LINE} octets or with a control character is read to
 * its end and comes back as {@link Input.Bad} with its reply, never as a command.
 */
public final class CommandReader {
    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
    public static final int MAX_LINE = 512;

    /** What the next line was. */
    public sealed interface Input {
        record Line(String text) implements Input {
        }

        /** A line that is no command; {@code reply} says why (RFC 5321 §4.2.2: 500). */
        record Bad(String reply) implements Input {
        }

        /** End of input; a last line without its LF is no command. */
        record End() implements Input {
        }
    }

    private final InputStream in;
    private final byte[] buf = new byte[MAX_LINE];

    public CommandReader(InputStream in) {
        this.in = in;
    }

    public Input next() throws IOException {
        int n = 0;
        boolean tooLong = false;
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (n < buf.length) {
                buf[n++] = (byte) c;
            } else {
                tooLong = true;
            }
        }
        if (c < 0) {
            return new Input.End();
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        if (tooLong || n + 2 > MAX_LINE) {
            return new Input.Bad("500 5.5.2 line too long");
        }
        String line = new String(buf, 0, n, StandardCharsets.UTF_8);
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch < ' ' && ch != '\t' || ch == 0x7f) {
                return new Input.Bad("500 5.5.2 control character in command");
            }
        }
        return new Input.Line(line);
    }
}
