package net.rsendmail.relay.lmtp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The DATA section of an SMTP/LMTP transaction as a stream: removes dot-stuffing and ends at the
 * line holding a single dot (RFC 5321 §4.5.2). Line ends become LF: CRLF is the wire format, and
 * a local sendmail takes Unix text, as in the plain mode. Input that ends before the dot is a
 * lost connection, reported as an EOFException, so a cut message is never taken for a whole one.
 *
 * <p>Bare LF is read as Postfix's {@code smtpd_forbid_bare_newline = normalize} reads it: a line
 * may end in LF alone, but only CR LF . CR LF ends the data, so that no client can make the relay
 * and another hop disagree on where a message ends (SMTP smuggling).
 */
final class DataReader extends InputStream {
    private final InputStream in;
    private boolean lineStart = true;
    private boolean afterCrLf = true;
    private boolean ended;

    DataReader(InputStream in) {
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
    void drain() throws IOException {
        byte[] skip = new byte[8192];
        while (read(skip, 0, skip.length) >= 0) {
            // discard
        }
    }

    boolean ended() {
        return ended;
    }

    private int next() throws IOException {
        int c = in.read();
        if (c < 0) {
            throw new EOFException("connection closed before the end of DATA");
        }
        return c;
    }
}
