package net.rsendmail.smtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The DATA section of SMTP/LMTP (RFC 5321 §4.5.2), both ways: {@link #write} sends a message with
 * CRLF line ends, dot-stuffing and the terminating dot; {@link Decoder} reads one back, removing
 * the stuffing and ending at the line that holds a single dot, with LF line ends (the Unix text a
 * local sendmail or the queue takes, as in the plain mode).
 */
public final class DotCodec {
    private DotCodec() {
    }

    /** Writes {@code message} as a DATA section, the terminating {@code .CRLF} included. */
    public static void write(InputStream message, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        boolean lineStart = true;
        int prev = -1;
        int n;
        while ((n = message.read(buf)) >= 0) {
            for (int i = 0; i < n; i++) {
                int c = buf[i] & 0xff;
                if (lineStart && c == '.') {
                    out.write('.');
                }
                if (c == '\n' && prev != '\r') {
                    out.write('\r');
                }
                out.write(c);
                lineStart = c == '\n';
                prev = c;
            }
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
    }

    /**
     * The reading side, as a stream over the session's input (which must support mark/reset, a
     * BufferedInputStream). Input that ends before the dot is a lost connection, reported as an
     * EOFException, so a cut message is never taken for a whole one.
     *
     * <p>Bare LF is read as Postfix's {@code smtpd_forbid_bare_newline = normalize} reads it: a line
     * may end in LF alone, but only CR LF . CR LF ends the data, so that no client can make two hops
     * disagree on where a message ends (SMTP smuggling).
     */
    public static final class Decoder extends InputStream {
        private final InputStream in;
        private boolean lineStart = true;
        private boolean afterCrLf = true;
        private boolean ended;
        private boolean cut;

        public Decoder(InputStream in) {
            if (!in.markSupported()) {
                throw new IllegalArgumentException("DotCodec.Decoder needs an input with mark/reset");
            }
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            if (ended) {
                return -1;
            }
            int c = next();
            if (lineStart && c == '.') {
                in.mark(2);
                int c1 = in.read();
                int c2 = in.read();
                if (afterCrLf && c1 == '\r' && c2 == '\n') {
                    ended = true;
                    return -1;
                }
                in.reset();
                c = next(); // a leading dot is removed: ".." becomes "."
            }
            boolean crLf = false;
            if (c == '\r') {
                in.mark(1);
                if (in.read() == '\n') {
                    c = '\n';
                    crLf = true;
                } else {
                    in.reset(); // a lone CR stays as it is
                }
            }
            lineStart = c == '\n';
            afterCrLf = crLf;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                int c = read();
                if (c < 0) {
                    return n == 0 ? -1 : n;
                }
                b[off + n++] = (byte) c;
                if (c == '\n' && in.available() == 0) {
                    break; // do not block for more while a caller could use what it has
                }
            }
            return n;
        }

        /** Reads and discards the rest, up to the terminating dot. */
        public void drain() throws IOException {
            byte[] skip = new byte[8192];
            while (read(skip, 0, skip.length) >= 0) {
                // discard
            }
        }

        /** Whether the terminating dot has been read. */
        public boolean ended() {
            return ended;
        }

        /** Whether the input ended before the terminating dot. */
        public boolean cut() {
            return cut;
        }

        private int next() throws IOException {
            int c = in.read();
            if (c < 0) {
                cut = true;
                throw new EOFException("connection closed before the end of DATA");
            }
            return c;
        }
    }
}
