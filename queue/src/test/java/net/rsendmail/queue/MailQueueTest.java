package net.rsendmail.queue;

import static net.rsendmail.queue.TestSupport.body;
import static net.rsendmail.queue.TestSupport.env;
import static net.rsendmail.queue.TestSupport.in;
import static net.rsendmail.queue.TestSupport.readBody;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** In-process behaviour of one queue: enqueue, claim, release, recovery, quarantine, listing. */
class MailQueueTest {
    Path root;
    MailQueue q;

    @BeforeEach
    void setUp() throws Exception {
        root = TestSupport.newDir("mq");
        q = MailQueue.open(root.resolve("q"));
    }

    @AfterEach
    void tearDown() {
        TestSupport.deleteTree(root);
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode") & 07777;
    }

    static List<String> names(Path d) throws IOException {
        try (var s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** An owner that is certainly not running: a finished process's pid with a start time it never had. */
    static Owner deadOwner() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return new Owner(p.pid(), 1);
    }

    QueueId add(String... rcpts) throws QueueException {
        return q.enqueue(env("from@example.org", rcpts), in(body(1, rcpts.length, 500)));
    }

    @Test
    void openCreatesTheLayoutWithExactModes() throws Exception {
        Path d = q.directory();
        assertEquals(0711, mode(d));
        for (String s : List.of("tmp", "queue", "claimed", "failed", "quarantine")) {
            assertEquals(0700, mode(d.resolve(s)), s);
        }
        assertEquals(d.resolve("maildrop"), q.maildrop());
        assertEquals(03733, mode(q.maildrop()), "sticky, setgid, world-writable, not listable");
        MailQueue again = MailQueue.open(d);
        assertEquals(d, again.directory());
        Files.delete(d.resolve("failed"));
        Files.writeString(d.resolve("failed"), "x");
        QueueException e = assertThrows(QueueException.class, () -> MailQueue.open(d));
        assertTrue(e.getMessage().contains("not a directory"), e.getMessage());
    }

    @Test
    void enqueueStoresTheExactBytesAndTheEnvelope() throws Exception {
        byte[] b = body(7, 7, 70_000);
        b[100] = 0;
        b[101] = '\r';
        Instant before = Instant.now().minusSeconds(1);
        QueueId id = q.enqueue(env("", "b@example.net", "a@example.net", "b@example.net"), in(b));
        assertEquals(List.of(id), q.due(Instant.now()));
        assertEquals(List.of(), names(q.directory().resolve("tmp")));
        assertEquals(List.of("env", "msg"), names(q.directory().resolve("queue").resolve(id.value())));
        try (Claim c = q.claim(id).orElseThrow()) {
            assertArrayEquals(b, readBody(c));
            QueuedMessage m = c.message();
            assertEquals(id, m.id());
            assertEquals("", m.sender());
            assertEquals(List.of("b@example.net", "a@example.net"), m.pendingRecipients(), "duplicates dropped, order kept");
            assertEquals(0, m.attempts());
            assertEquals(b.length, m.size());
            assertEquals(b.length, c.size());
            assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), m.submitterUid());
            assertTrue(!m.created().isBefore(before) && !m.created().isAfter(Instant.now()));
            assertEquals("", m.lastError());
        }
        assertThrows(IllegalArgumentException.class, () -> q.enqueue(env("a@b"), in(b)));
    }

    @Test
    void aFailingMessageStreamLeavesNothing() {
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (n++ > 100_000) {
                    throw new IOException("stdin went away");
                }
                return 'x';
            }
        };
        QueueException e = assertThrows(QueueException.class, () -> q.enqueue(env("a@b", "c@d"), broken));
        assertEquals(QueueException.Kind.INPUT, e.kind());
        assertEquals(74, e.exitCode());
        assertEquals(List.of(), q.due(Instant.now()));
        assertTrue(q.directory().resolve("tmp").toFile().list().length == 0);
    }

    @Test
    void aClaimIsExclusiveUntilReleased() throws Exception {
        QueueId id = add("a@x");
        Claim c = q.claim(id).orElseThrow();
        assertEquals(Optional.empty(), q.claim(id));
        assertEquals(List.of(), q.due(Instant.now()));
        QueueEntry e = q.list().get(0);
        assertEquals(QueueEntry.Status.CLAIMED, e.status());
        assertEquals(ProcessHandle.current().pid(), e.claimedByPid());
        c.close();
        c.close();
        assertEquals(List.of(id), q.due(Instant.now()));
        assertEquals(QueueEntry.Status.QUEUED, q.list().get(0).status());
        assertThrows(IllegalStateException.class, () -> c.defer("", "x", Instant.now()));
        assertThrows(IOException.class, c::openBody);
    }

    @Test
    void threadsRacingForTheSameMessagesGetEachOnce() throws Exception {
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            ids.add(add("r" + i + "@x"));
        }
        Set<QueueId> got = ConcurrentHashMap.newKeySet();
        AtomicInteger dup = new AtomicInteger();
        ExecutorService ex = Executors.newFixedThreadPool(6);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 6; t++) {
            ex.submit(() -> {
                start.await();
                for (QueueId id : ids) {
                    Optional<Claim> c = q.claim(id);
                    if (c.isPresent()) {
                        if (!got.add(id)) {
                            dup.incrementAndGet();
                        }
                        c.get().remove();
                    }
                }
                return null;
            });
        }
        start.countDown();
        ex.shutdown();
        assertTrue(ex.awaitTermination(60, TimeUnit.SECONDS));
        assertEquals(0, dup.get());
        assertEquals(Set.copyOf(ids), got);
        assertEquals(List.of(), q.list());
    }

    @Test
    void partialDeliveryKeepsOnlyWhatIsLeft() throws Exception {
        byte[] b = body(3, 3, 4000);
        QueueId id = q.enqueue(env("s@x", "a@x", "b@x", "c@x", "d@x"), in(b));
        Instant later = Instant.now().plusSeconds(600);
        try (Claim c = q.claim(id).orElseThrow()) {
            c.delivered(Map.of(
                    "a@x", RecipientResult.delivered(),
                    "b@x", RecipientResult.temporary("4.2.2", "mailbox full"),
                    "c@x", RecipientResult.permanent("5.1.1", "no such user")), later);
            assertEquals(List.of("b@x", "d@x"), c.message().pendingRecipients());
            assertThrows(IllegalStateException.class, c::remove);
        }
        assertEquals(List.of(), q.due(Instant.now()), "not due before the next attempt");
        assertEquals(List.of(id), q.due(later));
        QueueEntry e = q.list().get(0);
        assertEquals(1, e.attempts());
        assertEquals("4.2.2", e.lastStatus());
        assertEquals("mailbox full", e.lastError());
        assertEquals(later, e.nextAttempt());
        assertEquals(List.of(
                new RecipientState("b@x", RecipientState.State.PENDING, "4.2.2", "mailbox full"),
                new RecipientState("c@x", RecipientState.State.FAILED, "5.1.1", "no such user"),
                RecipientState.pending("d@x")), e.recipients());

        Claim c = q.claim(id).orElseThrow();
        assertThrows(IllegalArgumentException.class,
                () -> c.delivered(Map.of("a@x", RecipientResult.delivered()), later), "a@x is done already");
        assertThrows(IllegalArgumentException.class,
                () -> c.delivered(Map.of("c@x", RecipientResult.delivered()), later), "c@x failed already");
        c.delivered(Map.of("b@x", RecipientResult.delivered(), "d@x", RecipientResult.delivered()), later);
        // nothing pending, one failed: kept in failed/ for the bounce, body still readable
        assertEquals(List.of(new RecipientState("c@x", RecipientState.State.FAILED, "5.1.1", "no such user")),
                c.message().failedRecipients());
        assertArrayEquals(b, readBody(c));
        c.close();
        QueueEntry f = q.list().get(0);
        assertEquals(QueueEntry.Status.FAILED, f.status());
        assertEquals(2, f.attempts());
        assertEquals(List.of(), q.due(later));
        assertTrue(Files.isDirectory(q.directory().resolve("failed").resolve(id.value())));
        c.remove(); // once the bounce is queued
        assertEquals(List.of(), q.list());
        assertEquals(List.of(), names(q.directory().resolve("tmp")));
        assertThrows(IllegalStateException.class, c::remove);
    }

    @Test
    void theDelayWarningIsOnDiskBeforeTheAttemptIsRecordedAndStaysThrough() throws Exception {
        QueueId id = add("a@x", "b@x");
        Instant warned = Instant.parse("2026-01-01T04:00:00Z");
        try (Claim c = q.claim(id).orElseThrow()) {
            c.delayWarned(warned);
            // on disk already, while the claim is held: a runner dying now does not warn twice
            Path held;
            try (var s = Files.list(q.directory().resolve("claimed"))) {
                held = s.findFirst().orElseThrow();
            }
            assertEquals(warned, EnvelopeFile.parse(Files.readAllBytes(held.resolve("env"))).delayWarned());
            c.delivered(Map.of("a@x", RecipientResult.delivered(), "b@x", RecipientResult.temporary("4.4.1", "down")),
                    Instant.now());
        }
        try (Claim c = q.claim(id).orElseThrow()) {
            assertEquals(warned, c.message().delayWarned());
            c.delivered(Map.of("b@x", RecipientResult.permanent("5.1.1", "unknown")), Instant.now());
        }
        assertEquals(warned, q.list().get(0).delayWarned(), "kept in failed/ too");
    }

    @Test
    void aReportRemembersWhatItIsAbout() throws Exception {
        QueueId original = add("a@x");
        QueuedMessage.ReportOf about = new QueuedMessage.ReportOf(original, "5.7.1 relay: not allowed");
        QueueId dsn = q.enqueue(env("", "s@x"), in(body(1, 1, 10)), about);
        try (Claim c = q.claim(dsn).orElseThrow()) {
            assertEquals(about, c.message().reportOf());
            c.delivered(Map.of("s@x", RecipientResult.permanent("5.1.1", "unknown")), Instant.now());
        }
        QueueEntry e = q.list().stream().filter(x -> x.id().equals(dsn)).findFirst().orElseThrow();
        assertEquals(QueueEntry.Status.FAILED, e.status());
        assertEquals(about, e.reportOf());
        assertEquals(null, q.list().stream().filter(x -> x.id().equals(original)).findFirst().orElseThrow().reportOf());
    }

    @Test
    void deliveredToAllRemovesTheEntry() throws Exception {
        QueueId id = add("a@x", "b@x");
        Claim c = q.claim(id).orElseThrow();
        c.delivered(Map.of("a@x", RecipientResult.delivered(), "b@x", RecipientResult.delivered()), Instant.now());
        assertThrows(IOException.class, c::openBody);
        assertEquals(List.of(), q.list());
        for (String d : List.of("tmp", "queue", "claimed", "failed", "quarantine")) {
            assertEquals(List.of(), names(q.directory().resolve(d)), d);
        }
    }

    @Test
    void deferRemoveAndMoveToFailed() throws Exception {
        QueueId a = add("a@x");
        QueueId b = add("b@x");
        QueueId c = add("c@x");
        Instant later = Instant.now().plusSeconds(60);
        try (Claim k = q.claim(a).orElseThrow()) {
            k.defer("4.4.1", "connection refused\nby peer", later);
            assertEquals(1, k.message().attempts());
        }
        try (Claim k = q.claim(a).orElseThrow()) {
            assertEquals("connection refused\nby peer", k.message().lastError());
            k.defer("", "", later.plusSeconds(1));
            assertEquals(2, k.message().attempts());
            assertEquals("", k.message().lastStatus());
        }
        q.claim(b).orElseThrow().remove();
        q.claim(c).orElseThrow().moveToFailed("too old: 5 days");
        List<QueueEntry> l = q.list();
        assertEquals(List.of(a, c), l.stream().map(QueueEntry::id).toList());
        assertEquals(QueueEntry.Status.FAILED, l.get(1).status());
        assertEquals("too old: 5 days", l.get(1).lastError());
        assertEquals(List.of(), q.due(later));
        assertEquals(List.of(a), q.due(later.plusSeconds(1)));
    }

    @Test
    void theAdministratorTakesEntriesFromQueueAndFailedButNeverFromARunner() throws Exception {
        QueueId waiting = add("a@x");
        QueueId failedOne = add("b@x", "c@x");
        QueueId held = add("d@x");
        Instant later = Instant.now().plusSeconds(3600);
        try (Claim k = q.claim(waiting).orElseThrow()) {
            k.defer("4.4.1", "refused", later);
        }
        try (Claim k = q.claim(failedOne).orElseThrow()) {
            k.delivered(Map.of("b@x", RecipientResult.permanent("5.7.1", "policy"),
                    "c@x", RecipientResult.delivered()), later);
        }
        Claim runner = q.claim(held).orElseThrow();

        // a claim closed unchanged goes back where it came from
        q.claimForAdmin(failedOne).orElseThrow().close();
        q.claimForAdmin(waiting).orElseThrow().close();
        assertEquals(List.of(QueueEntry.Status.QUEUED, QueueEntry.Status.FAILED, QueueEntry.Status.CLAIMED),
                q.list().stream().map(QueueEntry::status).toList());

        // a message a runner holds is not taken; who holds it is told
        assertEquals(Optional.empty(), q.claimForAdmin(held));
        assertEquals(ProcessHandle.current().pid(), q.claimedBy(held).orElseThrow());
        assertTrue(q.claimedBy(waiting).isEmpty());
        assertEquals(Optional.empty(), q.claimForAdmin(QueueId.generate()), "not in the queue");
        runner.close();

        // requeue: due at once, failed recipients pending again with their last status, attempts kept
        Instant now = Instant.now();
        q.claimForAdmin(failedOne).orElseThrow().requeue(now);
        q.claimForAdmin(waiting).orElseThrow().requeue(now);
        assertEquals(List.of(waiting, failedOne, held), q.due(now));
        try (Claim k = q.claim(failedOne).orElseThrow()) {
            assertEquals(List.of("b@x"), k.message().pendingRecipients());
            assertEquals("5.7.1", k.message().recipients().get(0).status());
            assertEquals(1, k.message().attempts());
        }
        q.claimForAdmin(held).orElseThrow().remove();
        assertEquals(List.of(waiting, failedOne), q.list().stream().map(QueueEntry::id).toList());
    }

    @Test
    void recoveryReturnsClaimsOfDeadOrReusedPidsAndOldOnes() throws Exception {
        QueueId mine = add("mine@x");
        QueueId dead = add("dead@x");
        QueueId reused = add("reused@x");
        QueueId init = add("init@x");
        Path qd = q.directory().resolve("queue");
        Path cd = q.directory().resolve("claimed");
        long now = System.currentTimeMillis();
        Owner self = Owner.self();
        Files.move(qd.resolve(dead.value()), cd.resolve(dead + "." + deadOwner().token() + "." + now));
        Files.move(qd.resolve(reused.value()),
                cd.resolve(reused + "." + self.pid() + "." + (self.start() - 1) + "." + now));
        String initStat = Files.readString(Path.of("/proc/1/stat"));
        String initStart = initStat.substring(initStat.lastIndexOf(')') + 2).split(" ")[19];
        Files.move(qd.resolve(init.value()), cd.resolve(init + ".1." + initStart + "." + now));
        Files.writeString(cd.resolve("junk"), "x");
        Claim c = q.claim(mine).orElseThrow();

        assertEquals(2, q.recoverStaleClaims(Duration.ofHours(1)), "dead pid and reused pid");
        assertEquals(List.of(dead, reused), q.due(Instant.now()));
        assertEquals(1, names(q.directory().resolve("quarantine")).stream().filter(n -> n.endsWith(".reason")).count());

        assertEquals(0, q.recoverStaleClaims(Duration.ofHours(1)), "live runners keep their claims");
        assertEquals(2, q.recoverStaleClaims(Duration.ZERO), "unless they hold them too long");
        QueueException e = assertThrows(QueueException.class,
                () -> c.delivered(Map.of("mine@x", RecipientResult.delivered()), Instant.now()));
        assertEquals(QueueException.Kind.CLAIM_LOST, e.kind());
        try (Claim again = q.claim(mine).orElseThrow()) {
            assertEquals(List.of("mine@x"), again.message().pendingRecipients(), "entry intact after the lost claim");
        }
        c.close(); // no effect, logged
        assertEquals(4, q.due(Instant.now()).size());
    }

    @Test
    void damagedAndForeignEntriesAreQuarantinedNotReturnedNotFatal() throws Exception {
        QueueId good = add("good@x");
        QueueId empty = add("a@x");
        QueueId garbage = add("b@x");
        QueueId noBody = add("c@x");
        QueueId shortBody = add("d@x");
        QueueId otherId = add("e@x");
        QueueId noEnv = add("f@x");
        Path qd = q.directory().resolve("queue");
        Files.write(qd.resolve(empty.value()).resolve("env"), new byte[0]);
        Files.writeString(qd.resolve(garbage.value()).resolve("env"), "hello\n");
        Files.delete(qd.resolve(noBody.value()).resolve("msg"));
        Files.write(qd.resolve(shortBody.value()).resolve("msg"), new byte[3]);
        Files.copy(qd.resolve(good.value()).resolve("env"), qd.resolve(otherId.value()).resolve("env"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(qd.resolve(noEnv.value()).resolve("env"));
        Files.writeString(qd.resolve("README"), "foreign");
        String fileId = QueueId.generate().value();
        Files.writeString(qd.resolve(fileId), "a file, not an entry");

        assertEquals(List.of(good), q.due(Instant.now()));
        assertEquals(List.of(good.value()), names(qd));
        List<String> quarantined = names(q.directory().resolve("quarantine"));
        assertEquals(16, quarantined.size(), quarantined.toString());
        String reasons = String.join("\n", quarantined.stream().filter(n -> n.endsWith(".reason")).map(n -> {
            try {
                return Files.readString(q.directory().resolve("quarantine").resolve(n));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }).toList());
        for (String r : List.of("envelope file is empty", "line 1: expected", "message body missing",
                "message body is 3 bytes", "envelope belongs to", "envelope file missing",
                "foreign file in queue/", "not a directory")) {
            assertTrue(reasons.contains(r), r + " in " + reasons);
        }
        assertEquals(List.of(), names(q.directory().resolve("claimed")));
    }

    @Test
    void aRunnerThatDiedBeforeMovingAFinishedEntryIsCompleted() throws Exception {
        QueueId id = add("a@x");
        Path entry = q.directory().resolve("queue").resolve(id.value());
        QueuedMessage m = EnvelopeFile.parse(Files.readAllBytes(entry.resolve("env")));
        QueuedMessage done = new QueuedMessage(id, m.sender(),
                List.of(new RecipientState("a@x", RecipientState.State.FAILED, "5.1.1", "unknown")),
                1, m.nextAttempt(), "5.1.1", "unknown", m.submitterUid(), m.created(), m.size());
        Files.write(entry.resolve("env"), EnvelopeFile.format(done));
        Files.writeString(entry.resolve("env.tmp"), "half");
        assertEquals(List.of(id), q.due(Instant.now()));
        assertEquals(Optional.empty(), q.claim(id));
        assertEquals(QueueEntry.Status.FAILED, q.list().get(0).status());
        assertEquals(List.of("env", "msg"), names(q.directory().resolve("failed").resolve(id.value())));
    }

    @Test
    void recoveryClearsWhatDeadWritersLeftInTmp() throws Exception {
        Path tmp = q.directory().resolve("tmp");
        String dead = QueueId.generate() + "." + deadOwner().token() + ".new";
        String initStat = Files.readString(Path.of("/proc/1/stat"));
        String live = QueueId.generate() + ".1." + initStat.substring(initStat.lastIndexOf(')') + 2).split(" ")[19] + ".new";
        String ownIdle = QueueId.generate() + "." + Owner.self().token() + ".new"; // left by a failed enqueue of ours
        String trash = QueueId.generate() + "." + deadOwner().token() + ".trash";
        for (String n : List.of(dead, live, trash, ownIdle)) {
            Files.createDirectory(tmp.resolve(n));
            Files.writeString(tmp.resolve(n).resolve("msg"), "partial");
        }
        Files.writeString(tmp.resolve("stray"), "x");
        assertEquals(0, q.recoverStaleClaims(Duration.ofHours(1)));
        assertEquals(List.of(live), names(tmp));
        assertEquals(2, names(q.directory().resolve("quarantine")).size());
    }

    @Test
    void listShowsWhatMailqShows() throws Exception {
        QueueId a = q.enqueue(env("alice@example.org", "bob@example.net"), in("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)));
        QueueId b = add("c@x");
        try (Claim c = q.claim(b).orElseThrow()) {
            c.defer("4.4.1", "relay unreachable", Instant.now());
        }
        List<QueueEntry> l = q.list();
        assertEquals(2, l.size());
        QueueEntry e = l.get(0);
        assertEquals(a, e.id());
        assertEquals("alice@example.org", e.sender());
        assertEquals(18, e.size());
        assertEquals(List.of(RecipientState.pending("bob@example.net")), e.recipients());
        assertFalse(e.age(Instant.now()).isNegative());
        assertEquals("relay unreachable", l.get(1).lastError());
        assertEquals(1, l.get(1).attempts());
    }
}
