package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Lock files in the queue's top directory (next to queue/, maildrop/ …, which the queue module
 * never scans): {@code daemon.lock} is held by a running {@code --daemon}; {@code runner.lock} by
 * whoever delivers (the daemon, or one {@code -q} run at a time).
 */
public final class QueueLocks {
    public static final String DAEMON = "daemon.lock";
    public static final String RUNNER = "runner.lock";

    private QueueLocks() {
    }

    /** True if a daemon holds the lock of the queue in {@code dir} (false if that cannot be told). */
    public static boolean daemonRunning(Path queueDir) {
        try (FileChannel ch = FileChannel.open(queueDir.resolve(DAEMON), StandardOpenOption.READ)) {
            FileLock l = ch.tryLock(0, Long.MAX_VALUE, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
