package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.log.PrivateFiles;

/**
 * Lock files in the queue's top directory (next to queue/, maildrop/ …, which the queue module
 * never scans): {@code daemon.lock} is held by a running {@code --daemon}; {@code runner.lock} by
 * whoever delivers (the daemon, or one {@code -q} run at a time). Only the queue's owner opens
 * them for writing; they are created 0600.
 */
public final class QueueLocks {
    public static final String DAEMON = "daemon.lock";
    public static final String RUNNER = "runner.lock";

    private QueueLocks() {
    }

    /**
     * Opens (creating it 0600) the lock file {@code name} of the queue in {@code queueDir} for
     * locking. One left by another user (an older version let root run the queue) is replaced:
     * the owner of the queue directory may, and otherwise it would stop every run with 73.
     */
    public static FileChannel open(Path queueDir, String name) throws IOException {
        Path p = queueDir.resolve(name);
        try {
            return create(p);
        } catch (AccessDeniedException e) {
            Files.delete(p);
            ClientLog.get("runner").warn("replaced {}: it belonged to another user", p);
            return create(p);
        }
    }

    private static FileChannel create(Path p) throws IOException {
        return PrivateFiles.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
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
