package net.rsendmail.mtasts;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The end of one fetch: how much time is left, and a guard that closes a socket when the time is
 * up, so that a server sending a byte now and then cannot hold a handshake or a read open longer.
 */
final class Deadline {
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long end;

    Deadline(Duration timeout) {
        this.end = System.nanoTime() + timeout.toNanos();
    }

    /** Milliseconds left, at least 1 (0 would mean "no timeout" to a socket); 0 when none are. */
    int millisLeft() {
        long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        return left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, left));
    }

    /** Closes {@code socket} at the deadline unless the guard is closed first. */
    Guard guard(Socket socket) {
        return new Guard(socket, Math.max(0, end - System.nanoTime()));
    }

    static final class Guard implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        private Guard(Socket socket, long nanos) {
            task = TIMER.schedule(() -> {
                fired.set(true);
                try {
                    socket.close();
                } catch (IOException e) {
                    // closed already
                }
            }, nanos, TimeUnit.NANOSECONDS);
        }

        /** Whether the deadline closed the socket (what then failed failed for that). */
        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "mta-sts deadline");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
