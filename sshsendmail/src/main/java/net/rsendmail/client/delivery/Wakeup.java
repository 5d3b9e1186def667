package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * What the delivery loop sleeps on: a file-system watch (inotify(7) on Linux) on the directories
 * it was given, and {@link #wake} for a signal. A watcher thread turns every event into one permit,
 * so an event that comes while the loop is at work is not lost, and a wait ends the moment one
 * arrives; {@link #await} then takes all permits, since one run takes every entry at once.
 */
final class Wakeup implements AutoCloseable {
    private final WatchService watch;
    private final Semaphore permits = new Semaphore(0);
    private final Thread watcher;
    private volatile boolean closed;

    Wakeup() throws IOException {
        watch = FileSystems.getDefault().newWatchService();
        watcher = new Thread(this::watch, "sshsendmail-watch");
        watcher.setDaemon(true);
    }

    /** Watches {@code dir} for {@code kinds}; call before {@link #start}. */
    Wakeup on(Path dir, WatchEvent.Kind<?>... kinds) throws IOException {
        dir.register(watch, kinds);
        return this;
    }

    Wakeup start() {
        watcher.start();
        return this;
    }

    /** Ends the current or the next {@link #await} at once. Safe from any thread. */
    void wake() {
        permits.release();
    }

    /** Sleeps until an event, a {@link #wake} or {@code ms} pass; false once closed. */
    boolean await(long ms) {
        try {
            if (permits.tryAcquire(ms, TimeUnit.MILLISECONDS)) {
                permits.drainPermits();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !closed;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watch.take();
                key.pollEvents();
                key.reset();
                permits.release();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: the loop is ending
        }
    }

    /** Stops the watch and wakes the loop; it sees {@link #await} return false. Safe from any thread. */
    @Override
    public void close() {
        closed = true;
        try {
            watch.close();
        } catch (IOException e) {
            // closing anyway
        }
        permits.release();
    }
}
