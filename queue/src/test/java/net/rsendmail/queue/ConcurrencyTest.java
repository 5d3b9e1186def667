package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 4 writer processes x 250 messages while 2 runner processes deliver: each recipient exactly once. */
class ConcurrencyTest {
    static final int WRITERS = 4;
    static final int PER_WRITER = Integer.getInteger("queue.concurrency.messages", 250);
    static final int RUNNERS = 2;
    Path root;

    @BeforeEach
    void setUp() throws Exception {
        root = TestSupport.newDir("conc");
    }

    @AfterEach
    void tearDown() {
        TestSupport.deleteTree(root);
    }

    @Test
    void everyMessageIsDeliveredExactlyOnce() throws Exception {
        Path dir = root.resolve("q");
        MailQueue q = MailQueue.open(dir);
        Path stop = root.resolve("stop");
        List<Child> runners = new ArrayList<>();
        for (int r = 0; r < RUNNERS; r++) {
            runners.add(new Child(TestSupport.child(RunnerChild.class, dir.toString(),
                    root.resolve("sink" + r).toString(), stop.toString()), root.resolve("runner" + r + ".err")));
        }
        List<Child> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(new Child(TestSupport.child(WriterChild.class, dir.toString(), Integer.toString(w),
                    Integer.toString(PER_WRITER)), root.resolve("writer" + w + ".err")));
        }
        Set<String> acked = new HashSet<>();
        for (Child w : writers) {
            assertTrue(w.process.waitFor(180, TimeUnit.SECONDS), "writer hangs");
            List<String> out = w.finish();
            assertEquals(0, w.process.exitValue(), w.errors());
            assertEquals("END", out.get(out.size() - 1));
            out.stream().filter(l -> l.startsWith("OK ")).forEach(l -> acked.add(l.substring(3)));
        }
        assertEquals(WRITERS * PER_WRITER, acked.size());
        Files.writeString(stop, "");
        List<String> summary = new ArrayList<>();
        for (Child r : runners) {
            assertTrue(r.process.waitFor(180, TimeUnit.SECONDS), "runner hangs");
            List<String> out = r.finish();
            assertEquals(0, r.process.exitValue(), r.errors());
            summary.add(out.get(out.size() - 1));
        }
        Map<String, Integer> count = new HashMap<>();
        Set<String> ids = new HashSet<>();
        List<Integer> perRunner = new ArrayList<>();
        for (int r = 0; r < RUNNERS; r++) {
            List<String> lines = Files.readAllLines(root.resolve("sink" + r));
            perRunner.add(lines.size());
            for (String l : lines) {
                count.merge(l, 1, Integer::sum);
                ids.add(l.substring(0, l.indexOf(' ')));
            }
        }
        System.out.println("concurrency: " + acked.size() + " messages, deliveries per runner " + perRunner + ", " + summary);
        List<String> dups = count.entrySet().stream().filter(e -> e.getValue() != 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), dups, "delivered more than once");
        assertEquals(2 * WRITERS * PER_WRITER, count.size(), "every recipient of every message");
        assertEquals(acked, ids);
        for (String d : List.of("tmp", "queue", "claimed", "failed", "quarantine", "maildrop")) {
            assertEquals(List.of(), MailQueueTest.names(dir.resolve(d)), d);
        }
        assertEquals(List.of(), q.list());
    }
}
