package net.rsendmail.client.message;

import java.io.IOException;
import java.io.InputStream;
import net.rsendmail.mail.Refusal;

/**
 * The message as the caller writes it on stdin: refuses NUL bytes (EX_DATAERR, nothing queued) and,
 * unless {@code -i}/{@code -oi} was given, ends at a line holding a single dot, as sendmail does.
 */
public final class MessageInputStream extends InputStream {
    private final InputStream in;
    private final boolean dotEnds;
    private final byte[] buf = new byte[65536];
    private int pos;
    private int len;
    private boolean eof;
    private boolean lineStart = true;
    private long count;

    public MessageInputStream(InputStream in, boolean dotEnds) {
        this.in = in;
        this.dotEnds = dotEnds;
    }

    /** Bytes handed out so far. */
    public long count() {
        return count;
    }

    private boolean fill(int need) throws IOException {
        if (pos > 0 && len - pos < need) {
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
            pos = 0;
        }
        while (len - pos < need && !eof) {
            int n = in.read(buf, len, buf.length - len);
            if (n < 0) {
                eof = true;
            } else {
                len += n;
            }
        }
        return len - pos >= need;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int want) throws IOException {
        if (want == 0) {
            return 0;
        }
        if (!fill(1)) {
            return -1;
        }
        if (dotEnds && lineStart && buf[pos] == '.') {
            fill(3);
            int avail = len - pos;
            boolean lf = avail >= 2 && buf[pos + 1] == '\n';
            boolean crlf = avail >= 3 && buf[pos + 1] == '\r' && buf[pos + 2] == '\n';
            boolean lastDot = avail == 1 || (avail == 2 && buf[pos + 1] == '\r');
            if (lf || crlf || lastDot) {
                eof = true;
                len = pos;
                return -1;
            }
        }
        int n = 0;
        while (n < want && pos < len) {
            byte c = buf[pos];
            if (c == 0) {
                throw new BadMessageException(Refusal.data("message contains a NUL byte at offset " + (count + n)));
            }
            b[off + n++] = c;
            pos++;
            lineStart = c == '\n';
            if (lineStart && dotEnds) {
                break; // look at the next line's first byte before handing it out
            }
        }
        count += n;
        return n;
    }
}
