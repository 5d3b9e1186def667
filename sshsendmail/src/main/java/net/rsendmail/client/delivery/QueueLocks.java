package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.io.PrivateFiles;

/**
 * Lock files in the queue's top directory (next to queue/, maildrop/ …, which the queue module
 * never scans): {@code daemon.lock} is held by whoever serves the queue for a while (see
 * {@link Server}); {@code runner.lock} by whoever delivers right now (one run at a time: a
 * {@code -q}, or the current run of the daemon or of a staying runner). Only the queue's owner
 * opens them for writing; they are created 0600.
 */
public final class QueueLocks {
    public static final String DAEMON = "daemon.lock";
    public static final String RUNNER = "runner.lock";

    private QueueLocks() {
    }

    /**
     * Who serves the queue, as the byte of {@code daemon.lock} it holds (fcntl(2) record locks):
     * {@code --daemon} byte 0, the runner a sendmail call started byte 1, while it stays. Sendmail
     * calls start no runner while either is held, a second daemon refuses to start, and a staying
     * runner leaves once a daemon holds its byte (a daemon never waits for a runner).
     */
    public enum Server {
        DAEMON(0), RUNNER(1);

        private final long position;

        Server(long position) {
            this.position = position;
        }

        /** This server's byte, exclusively; null if another process has it. */
        public FileLock tryLock(FileChannel ch) throws IOException {
            return ch.tryLock(position, 1, false);
        }

        /** True if another process holds this server's byte. */
        public boolean isHeld(FileChannel ch) throws IOException {
            FileLock l = ch.tryLock(position, 1, true);
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        }
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

    /**
     * Takes the exclusive lock on {@code ch}, waiting up to {@code patience} for whoever holds it
     * (a run ends within its own timeouts); null if it is still held then.
     */
    public static FileLock await(FileChannel ch, Duration patience) throws IOException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            FileLock l = ch.tryLock();
            if (l != null || System.nanoTime() - deadline > 0) {
                return l;
            }
            try {
                Thread.sleep(100); // fcntl(2) locks have no timed wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** True if a daemon or a staying runner serves the queue in {@code dir} (false if that cannot be told). */
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
