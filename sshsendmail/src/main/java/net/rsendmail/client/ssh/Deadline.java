package net.rsendmail.client.ssh;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An overall deadline for one exchange with the relay: when it passes, the channel is closed, so
 * that a relay that trickles bytes or never finishes cannot hold the runner (and its lock) past
 * {@code command_timeout}; the blocked read then fails and the message is deferred.
 */
final class Deadline implements AutoCloseable {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sshsendmail-deadline");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledFuture<?> task;
    private volatile boolean passed;

    Deadline(Duration after, Runnable onPass) {
        task = TIMER.schedule(() -> {
            passed = true;
            onPass.run();
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean passed() {
        return passed;
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
