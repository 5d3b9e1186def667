package net.rsendmail.relay.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimiterTest {

    @Test
    void slidingWindowOfOneHour(@TempDir Path dir) throws Refusal {
        RateLimiter r = new RateLimiter(dir, "p", 3);
        r.acquire(1000);
        r.acquire(1001);
        r.acquire(2000);
        assertThrows(Refusal.class, () -> r.acquire(2001));
        assertThrows(Refusal.class, () -> r.acquire(4599));
        r.acquire(4601); // 1000 and 1001 are older than an hour now
        r.acquire(4602);
        assertThrows(Refusal.class, () -> r.acquire(4603));
        r.acquire(5601); // 2000 has left the window
    }

    @Test
    void policiesAreCountedApart(@TempDir Path dir) throws Refusal {
        new RateLimiter(dir, "a", 1).acquire(10);
        new RateLimiter(dir, "b", 1).acquire(10);
        assertThrows(Refusal.class, () -> new RateLimiter(dir, "a", 1).acquire(11));
    }

    @Test
    void unusableStateDirIsTemporary(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("rate"), "a file where the directory should be");
        Refusal e = assertThrows(Refusal.class, () -> new RateLimiter(dir, "p", 5).acquire(1));
        assertEquals(75, e.exit().code());
    }

    /** Concurrent relay processes: together they never pass more than the limit. */
    @Test
    void concurrentProcessesNeverExceedTheLimit(@TempDir Path dir) throws Exception {
        int processes = 6;
        int attemptsEach = 5;
        int limit = 11;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            ps.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    RateLimiterChild.class.getName(), dir.toString(), Integer.toString(limit),
                    Integer.toString(attemptsEach)).redirectErrorStream(true).start());
        }
        int passed = 0;
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes()).strip();
            assertEquals(0, p.waitFor(), out);
            passed += Integer.parseInt(out);
        }
        assertEquals(limit, passed);
    }
}
