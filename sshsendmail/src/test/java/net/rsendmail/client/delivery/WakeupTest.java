package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's sleep ends at once for a file in a watched directory, a wake() or close(), never later. */
class WakeupTest {
    /** A wait that must end long before this: the fallback timeout passed to await. */
    static final long FALLBACK_MS = 60_000;
    static final Duration AT_ONCE = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private static long millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void aFileRenamedIntoAWatchedDirectoryEndsTheWait() throws Exception {
        Path watched = Files.createDirectory(dir.resolve("queue"));
        try (Wakeup w = new Wakeup().on(watched, StandardWatchEventKinds.ENTRY_CREATE).start()) {
            Path tmp = Files.writeString(dir.resolve("entry"), "x");
            Files.move(tmp, watched.resolve("entry"));
            long ms = millis(() -> assertTrue(w.await(FALLBACK_MS)));
            assertTrue(ms < AT_ONCE.toMillis(), ms + " ms");
        }
    }

    @Test
    void anEventWhileAwakeIsKeptForTheNextWait() throws Exception {
        try (Wakeup w = new Wakeup().start()) {
            w.wake(); // e.g. SIGHUP during a run
            long ms = millis(() -> assertTrue(w.await(FALLBACK_MS)));
            assertTrue(ms < AT_ONCE.toMillis(), ms + " ms");
        }
    }

    @Test
    void closeEndsTheWaitAndSaysSo() throws Exception {
        Wakeup w = new Wakeup().start();
        Thread closer = new Thread(w::close);
        closer.start();
        long ms = millis(() -> assertFalse(w.await(FALLBACK_MS)));
        closer.join(AT_ONCE.toMillis());
        assertTrue(ms < AT_ONCE.toMillis(), ms + " ms");
    }
}
