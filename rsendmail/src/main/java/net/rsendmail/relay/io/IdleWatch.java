package net.rsendmail.relay.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;
import net.rsendmail.mail.SysExit;

/**
 * Ends a relay process whose client has gone quiet (RFC 5321 §4.5.3.2.7: 5 minutes): any input
 * counts as activity, DATA lines included, so a large message on a slow link is never cut; while
 * the MTA runs the watch waits, since ending then could let a retry hand the message over twice.
 * On expiry it gives the mode's farewell (a 421 reply, a stderr line) at most {@link #FAREWELL_MS}
 * to go out, because a client that stops reading can block any write, then halts the JVM with
 * EX_TEMPFAIL: nothing was handed over for the transaction in progress, so the client keeps it.
 */
public final class IdleWatch {
    static final long FAREWELL_MS = 1000;

    private final long timeoutMs;
    private volatile long lastActivity = System.nanoTime();
    private volatile int busy;
    private volatile Runnable farewell = () -> { };
    private Thread thread;

    public IdleWatch(long timeoutMs) {
        this.timeoutMs = timeoutMs;
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

    /** Runs {@code work} (the MTA's run) with the watch held off; the idle time starts again after it. */
    public <T> T busy(Callable<T> work) throws Exception {
        synchronized (this) {
            busy++;
        }
        try {
            return work.call();
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

    private void watch() {
        while (true) {
            long idle = (System.nanoTime() - lastActivity) / 1_000_000;
            if (idle >= timeoutMs && busy == 0) {
                Thread say = new Thread(farewell, "idle-farewell");
                say.setDaemon(true);
                say.start();
                try {
                    say.join(FAREWELL_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(SysExit.TEMPFAIL.code());
            }
            try {
                Thread.sleep(Math.max(10, Math.min(1000, timeoutMs - idle)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
