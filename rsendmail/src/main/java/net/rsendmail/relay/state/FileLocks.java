package net.rsendmail.relay.state;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * An exclusive lock on a state file that holds against other processes and against other threads
 * of this JVM. {@link FileChannel#lock()} alone covers only processes: a second lock on the same
 * file from one JVM throws OverlappingFileLockException instead of waiting (its Javadoc), and
 * {@code rsendmail serve} runs many requests in one JVM.
 */
public final class FileLocks {
    private static final Map<Path, Gate> GATES = new HashMap<>();

    private FileLocks() {
    }

    private static final class Gate {
        final Semaphore permit = new Semaphore(1);
        int users;
    }

    /** The held lock; closing it releases both, the file lock first. */
    public static final class Held implements Closeable {
        private final Path key;
        private final Gate gate;
        private final FileLock lock;
        private boolean closed;

        private Held(Path key, Gate gate, FileLock lock) {
            this.key = key;
            this.gate = gate;
            this.lock = lock;
        }

        @Override
        public synchronized void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                leave(key, gate);
            }
        }
    }

    /** Waits for this JVM's other holders of {@code file}, then for other processes, on {@code ch}. */
    public static Held lock(Path file, FileChannel ch) throws IOException {
        Path key = file.toAbsolutePath().normalize();
        Gate gate;
        synchronized (GATES) {
            gate = GATES.computeIfAbsent(key, k -> new Gate());
            gate.users++;
        }
        gate.permit.acquireUninterruptibly();
        try {
            return new Held(key, gate, ch.lock());
        } catch (IOException | RuntimeException e) {
            leave(key, gate);
            throw e;
        }
    }

    private static void leave(Path key, Gate gate) {
        gate.permit.release();
        synchronized (GATES) {
            if (--gate.users == 0) {
                GATES.remove(key);
            }
        }
    }
}
