package net.rsendmail.smtp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A server session's replies. PIPELINING (RFC 2920 §3.2): replies wait until the client's
 * pipelined commands are all read, then go out in one write; memory stays bounded, since the
 * session flushes once {@link #full()}. A farewell from another thread (an idle timeout) never
 * waits for a client that stopped reading.
 */
public final class ReplyWriter {
    static final int MAX_PENDING = 4096;

    private final OutputStream out;
    private final StringBuilder pending = new StringBuilder();
    private final ReentrantLock writing = new ReentrantLock();

    public ReplyWriter(OutputStream out) {
        this.out = out;
    }

    /** Adds one reply line (without its CRLF). */
    public void add(String line) {
        pending.append(line).append("\r\n");
    }

    public boolean full() {
        return pending.length() >= MAX_PENDING;
    }

    public void flush() throws IOException {
        writing.lock();
        try {
            if (pending.length() > 0) {
                out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
                pending.setLength(0);
            }
            out.flush();
        } finally {
            writing.unlock();
        }
    }

    /** One line at once from another thread, unless the session's own write is stuck (waits at most 200 ms). */
    public void farewell(String line) {
        try {
            if (writing.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                } finally {
                    writing.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client is gone anyway
        }
    }
}
