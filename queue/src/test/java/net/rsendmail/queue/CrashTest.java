package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kill -9 at random moments: a child JVM enqueueing, one delivering, one picking up. After each
 * kill, every acknowledged enqueue must be present and intact, nothing half-written may be
 * visible, and recovery must bring every claimed message back in a state the runner's log allows.
 * Trials per test: system property {@code queue.crash.trials} (default 200; a quarter of that for pickup).
 */
class CrashTest {
    static final int TRIALS = Integer.getInteger("queue.crash.trials", 200);
    static final int PARALLEL = Integer.getInteger("queue.crash.parallel", 2);
    Path root;
    volatile boolean keep;

    @BeforeEach
    void setUp() throws IOException {
        root = TestSupport.newDir("crash");
    }

    @AfterEach
    void tearDown() {
        if (!keep) {
            TestSupport.deleteTree(root);
        }
    }

    interface Trial {
        String run(int n) throws Exception;
    }

    /** Runs trials two at a time (waiting on JVM start-up dominates); fails with the first problems found. */
    void runTrials(String what, Trial t) throws Exception {
        runTrials(what, TRIALS, t);
    }

    void runTrials(String what, int trials, Trial t) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(PARALLEL);
        List<Future<String>> fs = new ArrayList<>();
        for (int i = 0; i < trials; i++) {
            int n = i;
            fs.add(ex.submit(() -> t.run(n)));
        }
        ex.shutdown();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> stats = new HashMap<>();
        for (Future<String> f : fs) {
            try {
                stats.merge(f.get(), 1, Integer::sum);
            } catch (java.util.concurrent.ExecutionException e) {
                failures.add(String.valueOf(e.getCause()));
            }
        }
        System.out.println(what + ": " + trials + " trials, kill landed: " + stats);
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())), failures.size() + " trials failed");
    }

    // ------------------------------------------------------------------ enqueue

    @Test
    void killedWhileEnqueueing() throws Exception {
        AtomicInteger midWrite = new AtomicInteger();
        runTrials("enqueue", n -> {
            long seed = 1000 + n;
            Path dir = root.resolve("e" + n);
            MailQueue q = MailQueue.open(dir);
            Child c = new Child(TestSupport.child(EnqueueChild.class, dir.toString(), Long.toString(seed)),
                    root.resolve("e" + n + ".err"));
            c.awaitReady();
            Thread.sleep(new Random(seed).nextInt(80));
            List<String> out = c.kill();
            try {
                String landed = checkEnqueue(q, dir, seed, out);
                if (landed.equals("mid-enqueue")) {
                    midWrite.incrementAndGet();
                }
                TestSupport.deleteTree(dir);
                return landed;
            } catch (AssertionError | Exception e) {
                keep = true;
                throw new AssertionError("trial " + n + " (" + dir + "): " + e.getMessage() + "\n" + c.errors()
                        + "\nlast lines: " + out.subList(Math.max(0, out.size() - 4), out.size()), e);
            }
        });
        assertTrue(midWrite.get() > TRIALS / 10, "most kills should land inside an enqueue: " + midWrite.get());
    }

    private static String checkEnqueue(MailQueue q, Path dir, long seed, List<String> out) throws Exception {
        assertFalse(out.contains("END"), "child finished before the kill");
        Map<QueueId, Integer> acked = new LinkedHashMap<>();
        for (String l : out) {
            if (l.startsWith("OK ")) {
                String[] f = l.split(" ");
                acked.put(QueueId.parse(f[1]), Integer.parseInt(f[2]));
            }
        }
        // Visible now, before any recovery: only complete entries, each intact.
        Path queueDir = dir.resolve("queue");
        List<String> visible = MailQueueTest.names(queueDir);
        for (String name : visible) {
            QueueId id = QueueId.parse(name);
            QueuedMessage m = MailQueue.readEntry(id, queueDir.resolve(name));
            String first = m.pendingRecipients().get(0);
            int i = Integer.parseInt(first.substring(1, first.indexOf('@')));
            assertEquals(List.of("m" + i + "@x", "seed" + seed + "@x"), m.pendingRecipients());
            assertArrayEquals(TestSupport.body(seed, i, TestSupport.sizeOf(seed, i)),
                    Files.readAllBytes(queueDir.resolve(name).resolve("msg")), "body of " + name);
            if (acked.containsKey(id)) {
                assertEquals(acked.get(id), i);
            }
        }
        for (QueueId id : acked.keySet()) {
            assertTrue(visible.contains(id.value()), "acknowledged " + id + " is missing");
        }
        assertTrue(visible.size() <= acked.size() + 1, "at most the one in flight is visible unacknowledged");
        List<QueueId> due = q.due(Instant.now().plusSeconds(1));
        assertEquals(visible.size(), due.size());
        assertEquals(visible.size(), q.list().size());
        int leftovers = MailQueueTest.names(dir.resolve("tmp")).size();
        assertEquals(0, q.recoverStaleClaims(Duration.ofHours(1)));
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("tmp")), "recovery clears the dead writer's temp files");
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("quarantine")));
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("claimed")));
        return leftovers > 0 ? "mid-enqueue" : "between enqueues";
    }

    // ------------------------------------------------------------------ pickup

    @Test
    void killedWhilePickingUp() throws Exception {
        int trials = Math.max(1, TRIALS / 4);
        runTrials("pickup", trials, n -> {
            long seed = 9000 + n;
            Path dir = root.resolve("p" + n);
            MailQueue q = MailQueue.open(dir);
            Map<QueueId, Integer> dropped = new HashMap<>();
            for (int j = 0; j < 10; j++) {
                dropped.put(Maildrop.submit(q.maildrop(), new Envelope("s@x", List.of("m" + j + "@x")),
                        TestSupport.in(TestSupport.body(seed, j, TestSupport.sizeOf(seed, j) / 4))), j);
            }
            Child c = new Child(TestSupport.child(PickupChild.class, dir.toString()), root.resolve("p" + n + ".err"));
            c.awaitReady();
            Thread.sleep(new Random(seed).nextInt(40));
            List<String> out = c.kill();
            try {
                int leftover = MailQueueTest.names(dir.resolve("tmp")).size();
                int inQueue = MailQueueTest.names(dir.resolve("queue")).size();
                q.pickup(); // finishes what the dead one started
                assertEquals(List.of(), MailQueueTest.names(dir.resolve("maildrop")));
                assertEquals(List.of(), MailQueueTest.names(dir.resolve("tmp")));
                assertEquals(List.of(), MailQueueTest.names(dir.resolve("quarantine")));
                assertEquals(dropped.keySet().stream().map(QueueId::value).sorted().toList(),
                        MailQueueTest.names(dir.resolve("queue")), "each drop queued exactly once");
                for (Map.Entry<QueueId, Integer> e : dropped.entrySet()) {
                    Path entry = dir.resolve("queue").resolve(e.getKey().value());
                    QueuedMessage m = MailQueue.readEntry(e.getKey(), entry);
                    assertEquals(List.of("m" + e.getValue() + "@x"), m.pendingRecipients());
                    assertArrayEquals(TestSupport.body(seed, e.getValue(), TestSupport.sizeOf(seed, e.getValue()) / 4),
                            Files.readAllBytes(entry.resolve("msg")));
                    assertEquals(List.of("env", "msg"), MailQueueTest.names(entry));
                }
                TestSupport.deleteTree(dir);
                return out.stream().anyMatch(l -> l.startsWith("END")) ? "after the pickup finished"
                        : leftover > 0 ? "mid-pickup" : inQueue == 0 ? "before the first pickup" : "between pickups";
            } catch (AssertionError | Exception e) {
                keep = true;
                throw new AssertionError("trial " + n + " (" + dir + "): " + e.getMessage() + "\n" + c.errors(), e);
            }
        });
    }

    // ------------------------------------------------------------------ delivery

    /** Model of one message as the runner's log says it should be. */
    record State(Set<String> pending, Set<String> failed, int attempts, String where) {
        State apply(String op, String arg) {
            Set<String> p = new HashSet<>(pending);
            return switch (op) {
                case "D" -> new State(Set.of(), failed, attempts + 1, "gone");
                case "P" -> {
                    p.remove(arg);
                    yield new State(p, failed, attempts + 1, !p.isEmpty() ? "queue" : failed.isEmpty() ? "gone" : "failed");
                }
                case "F" -> new State(pending, failed, attempts + 1, "queue");
                case "X" -> new State(Set.of(), pending, attempts + 1, "failed");
                case "R" -> new State(pending, failed, attempts, "gone");
                case "N" -> this;
                default -> throw new IllegalArgumentException(op);
            };
        }
    }

    @Test
    void killedWhileDelivering() throws Exception {
        runTrials("deliver", n -> {
            long seed = 5000 + n;
            Path dir = root.resolve("d" + n);
            MailQueue q = MailQueue.open(dir);
            Map<QueueId, Integer> index = new HashMap<>();
            Map<QueueId, State> model = new HashMap<>();
            for (int j = 0; j < 10; j++) {
                QueueId id = q.enqueue(new Envelope("s@x", List.of("a" + j + "@x", "b" + j + "@x")),
                        TestSupport.in(TestSupport.body(seed, j, TestSupport.sizeOf(seed, j) / 4)));
                index.put(id, j);
                model.put(id, new State(Set.of("a" + j + "@x", "b" + j + "@x"), Set.of(), 0, "queue"));
            }
            Child c = new Child(TestSupport.child(DeliverChild.class, dir.toString(), Long.toString(seed)),
                    root.resolve("d" + n + ".err"));
            c.awaitReady();
            Thread.sleep(new Random(seed).nextInt(60));
            List<String> out = c.kill();
            try {
                String landed = checkDelivery(q, dir, seed, out, index, model);
                TestSupport.deleteTree(dir);
                return landed;
            } catch (AssertionError | Exception e) {
                keep = true;
                throw new AssertionError("trial " + n + " (" + dir + "): " + e.getMessage() + "\n" + c.errors()
                        + "\nlast lines: " + out.subList(Math.max(0, out.size() - 8), out.size()), e);
            }
        });
    }

    private static String checkDelivery(MailQueue q, Path dir, long seed, List<String> out,
                                        Map<QueueId, Integer> index, Map<QueueId, State> model) throws Exception {
        Map<QueueId, State> inFlight = new HashMap<>();
        QueueId held = null;
        for (String l : out) {
            String[] f = l.split(" ");
            switch (f[0]) {
                case "C" -> held = QueueId.parse(f[1]);
                case "I" -> {
                    QueueId id = QueueId.parse(f[2]);
                    inFlight.put(id, model.get(id).apply(f[1], f.length > 3 ? f[3] : null));
                }
                case "E" -> {
                    QueueId id = QueueId.parse(f[2]);
                    model.put(id, inFlight.remove(id));
                    held = null;
                }
                default -> { }
            }
        }
        int claimedBefore = MailQueueTest.names(dir.resolve("claimed")).size();
        assertTrue(claimedBefore <= 1, "one runner holds at most one claim");
        assertEquals(claimedBefore, q.recoverStaleClaims(Duration.ofHours(1)), "the dead runner's claim comes back");
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("claimed")));
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("tmp")));

        for (Map.Entry<QueueId, Integer> e : index.entrySet()) {
            QueueId id = e.getKey();
            State actual = actual(dir, id, seed, e.getValue());
            State expected = model.get(id);
            State after = inFlight.get(id);
            assertTrue(matches(actual, expected) || (after != null && matches(actual, after)),
                    id + " is " + actual + ", log allows " + expected + (after == null ? "" : " or " + after));
        }
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("quarantine")));
        // and the queue still works: drain it
        for (QueueId id : q.due(Instant.now().plusSeconds(1))) {
            q.claim(id).orElseThrow().remove();
        }
        assertEquals(List.of(), MailQueueTest.names(dir.resolve("queue")));
        if (out.contains("END")) {
            return "after the runner finished";
        }
        return !inFlight.isEmpty() ? "mid-operation" : held != null ? "holding a claim" : "between claims";
    }

    private static boolean matches(State actual, State model) {
        return model.where().equals("gone") ? actual == null : model.equals(actual);
    }

    /** Where the message is and what its envelope says; its body must be intact wherever it is. */
    private static State actual(Path dir, QueueId id, long seed, int j) throws Exception {
        List<State> found = new ArrayList<>();
        for (String where : List.of("queue", "failed")) {
            Path entry = dir.resolve(where).resolve(id.value());
            if (Files.exists(entry)) {
                QueuedMessage m = MailQueue.readEntry(id, entry);
                assertArrayEquals(TestSupport.body(seed, j, TestSupport.sizeOf(seed, j) / 4),
                        Files.readAllBytes(entry.resolve("msg")));
                Set<String> failed = new HashSet<>();
                m.failedRecipients().forEach(r -> failed.add(r.address()));
                found.add(new State(Set.copyOf(m.pendingRecipients()), Set.copyOf(failed), m.attempts(), where));
            }
        }
        assertTrue(found.size() <= 1, id + " is in two places");
        return found.isEmpty() ? null : found.get(0);
    }
}
