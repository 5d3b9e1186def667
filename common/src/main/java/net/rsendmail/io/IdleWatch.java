package net.rsendmail.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;

/**
 * Ends a relay process whose client has gone quiet (RFC 5321 §4.5.3.2.7: 5 minutes): any input
 * counts as activity, DATA lines included, so a large message on a slow link is never cut; while
 * the MTA runs the watch waits, since ending then could let a retry hand the message over twice.
 * On expiry it gives the mode's farewell (a 421 reply, a stderr line) at most {@link #FAREWELL_MS}
 * to go out, because a client that stops reading can block any write, then runs its end action:
 * for a relay process, {@link #HALT} (the JVM ends with EX_TEMPFAIL); for one session of
 * {@code rsendmail serve}, closing that session's channel. Once expired, {@link #busy} refuses to
 * start the MTA, so nothing is handed over for the transaction in progress and the client keeps it.
 */
public final class IdleWatch implements AutoCloseable {
    static final long FAREWELL_MS = 1000;

    /** The end action of a relay process: nothing else runs in its JVM. */
    public static final Runnable HALT = () -> Runtime.getRuntime().halt(SysExit.TEMPFAIL.code());

    private final long timeoutMs;
    private final Runnable end;
    private volatile long lastActivity = System.nanoTime();
    private int busy;
    private boolean expired;
    private volatile Runnable farewell = () -> { };
    private Thread thread;

    public IdleWatch(long timeoutMs) {
        this(timeoutMs, HALT);
    }

    public IdleWatch(long timeoutMs, Runnable end) {
        this.timeoutMs = timeoutMs;
        this.end = end;
    }

    public long timeoutMs() {
        return timeoutMs;
    }

    /** What to say before the process ends; runs on the watch's own thread. */
    public void onExpiry(Runnable farewell) {
        this.farewell = farewell;
    }

    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::watch, "idle-watch");
        thread.setDaemon(true);
        thread.start();
    }

    public void touch() {
        lastActivity = System.nanoTime();
    }

    /** Work the watch must never cut short: the hand-over to the next hop, and its result. */
    @FunctionalInterface
    public interface Guarded<T> {
        T run() throws Refusal;
    }

    /** Runs {@code work} with the watch held off and returns its result; the idle time starts again after it. */
    public <T> T busy(Guarded<T> work) throws Refusal {
        synchronized (this) {
            if (expired) {
                throw Refusal.temporary("idle timeout: the session is closing, nothing handed over");
            }
            busy++;
        }
        try {
            return work.run();
        } finally {
            synchronized (this) {
                busy--;
            }
            touch();
        }
    }

    /** {@code in}, with every read that returns data counted as activity. */
    public InputStream watched(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                touch();
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                touch();
                return n;
            }
        };
    }

    /** Ends the watch of a request that is over; a later expiry cannot happen. */
    @Override
    public synchronized void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    private synchronized boolean expire() {
        long idle = (System.nanoTime() - lastActivity) / 1_000_000;
        if (idle >= timeoutMs && busy == 0 && !Thread.currentThread().isInterrupted()) {
            expired = true;
        }
        return expired;
    }

    private void watch() {
        while (true) {
            long idle = (System.nanoTime() - lastActivity) / 1_000_000;
            if (expire()) {
                Thread say = new Thread(farewell, "idle-farewell");
                say.setDaemon(true);
                say.start();
                try {
                    say.join(FAREWELL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                end.run();
                return;
            }
            try {
                Thread.sleep(Math.max(10, Math.min(1000, timeoutMs - idle)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
