package net.rsendmail.queue;

import static net.rsendmail.queue.TestSupport.body;
import static net.rsendmail.queue.TestSupport.env;
import static net.rsendmail.queue.TestSupport.in;
import static net.rsendmail.queue.TestSupport.readBody;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Maildrop submission and pickup, including hostile drop files, within one process. */
class PickupTest {
    Path root;
    MailQueue q;
    Path drop;

    @BeforeEach
    void setUp() throws Exception {
        root = TestSupport.newDir("pickup");
        q = MailQueue.open(root.resolve("q"));
        drop = q.maildrop();
    }

    @AfterEach
    void tearDown() {
        TestSupport.deleteTree(root);
    }

    List<String> quarantineReasons() throws IOException {
        Path qd = q.directory().resolve("quarantine");
        try (var s = Files.list(qd)) {
            return s.filter(p -> p.toString().endsWith(".reason")).map(p -> {
                try {
                    return Files.readString(p).trim();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).sorted().collect(Collectors.toList());
        }
    }

    void assertNothingLeft() throws IOException {
        assertEquals(List.of(), MailQueueTest.names(drop));
        assertEquals(List.of(), MailQueueTest.names(q.directory().resolve("tmp")));
    }

    /** The sendmail call's admission (it defers) and the runner's (it admits), on one queue. */
    @Test
    void anEnqueueTheAdmissionLeavesToThePickupWaitsInTheMaildropAndIsAdmittedThere() throws Exception {
        byte[] added = "X-Added: at pickup\n".getBytes(StandardCharsets.US_ASCII);
        Admission admits = (e, m) -> new Admission.Insert(0, added);
        Admission defers = new Admission() {
            @Override
            public Insert admit(Envelope e, byte[] m) {
                return new Insert(0, added);
            }

            @Override
            public boolean atPickup(Envelope e, byte[] m) throws NotNow {
                if (new String(m, StandardCharsets.US_ASCII).startsWith("refuse")) {
                    throw new NotNow("refused as admit would");
                }
                return true;
            }
        };
        MailQueue caller = MailQueue.open(q.directory(), MailQueue.EnvelopeCheck.ANY, defers);
        byte[] b = body(3, 1, 200_000);
        QueueId id = caller.enqueue(env("a@x", "b@x", "c@x"), in(b));
        assertEquals(List.of(id.value()), MailQueueTest.names(drop));
        assertEquals(List.of(), q.list());
        QueueException refused = assertThrows(QueueException.class,
                () -> caller.enqueue(env("a@x", "b@x"), in("refuse me\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(78, refused.exitCode());
        assertTrue(refused.getMessage().contains("refused as admit would"), refused.getMessage());
        assertEquals(List.of(id.value()), MailQueueTest.names(drop), "nothing more written");

        // a DSN is admitted as it is queued: the maildrop would lose what it reports on
        QueueId dsn = caller.enqueue(env("", "a@x"), in(body(3, 2, 100)), new QueuedMessage.ReportOf(id, "test"));
        assertEquals(List.of(id.value()), MailQueueTest.names(drop));

        MailQueue runner = MailQueue.open(q.directory(), MailQueue.EnvelopeCheck.ANY, admits);
        assertEquals(1, runner.pickup());
        assertNothingLeft();
        for (QueueId each : List.of(id, dsn)) {
            try (Claim c = runner.claim(each).orElseThrow()) {
                byte[] got = readBody(c);
                assertArrayEquals(added, Arrays.copyOf(got, added.length));
                if (each.equals(id)) {
                    assertArrayEquals(b, Arrays.copyOfRange(got, added.length, got.length));
                    assertEquals(List.of("b@x", "c@x"), c.message().pendingRecipients());
                }
            }
        }
    }

    @Test
    void anEnvelopeTheCheckRefusesIsQuarantinedNotQueued() throws Exception {
        MailQueue checked = MailQueue.open(q.directory(), e -> e.recipients().stream().anyMatch(r -> r.startsWith("-"))
                ? "recipient starts with '-'" : null);
        QueueId bad = Maildrop.submit(drop, env("u@example.org", "ok@x", "-bp"), in(body(1, 1, 100)));
        QueueId good = Maildrop.submit(drop, env("u@example.org", "ok@x"), in(body(1, 2, 100)));
        assertEquals(1, checked.pickup());
        assertNothingLeft();
        assertEquals(List.of(good), checked.due(Instant.now()));
        List<String> reasons = quarantineReasons();
        assertEquals(1, reasons.size(), reasons::toString);
        assertTrue(reasons.get(0).endsWith(": envelope refused: recipient starts with '-'"), reasons.get(0));
        assertTrue(reasons.get(0).contains(bad.value()), reasons.get(0));
    }

    @Test
    void submitThenPickupKeepsIdBytesAndUid() throws Exception {
        byte[] b = body(5, 5, 30_000);
        QueueId id = Maildrop.submit(drop, env("u@example.org", "a@x", "b@x", "a@x"), in(b));
        Path f = drop.resolve(id.value());
        assertEquals(0640, MailQueueTest.mode(f), "readable by the queue's group only");
        assertEquals(Files.getAttribute(drop, "unix:gid"), Files.getAttribute(f, "unix:gid"), "group from the setgid maildrop");
        assertEquals(1, q.maildropBacklog());
        assertEquals(List.of(), q.due(Instant.now()), "not in the queue before pickup");
        assertEquals(1, q.pickup());
        assertNothingLeft();
        assertEquals(List.of(id), q.due(Instant.now()));
        try (Claim c = q.claim(id).orElseThrow()) {
            assertArrayEquals(b, readBody(c));
            assertEquals(List.of("a@x", "b@x"), c.message().pendingRecipients());
            assertEquals("u@example.org", c.message().sender());
            assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"), c.message().submitterUid());
        }
        assertEquals(List.of("env", "msg"), MailQueueTest.names(q.directory().resolve("queue").resolve(id.value())));
        assertEquals(0, q.pickup());
    }

    @Test
    void forgedOwnerIsRefused() throws Exception {
        assumeTrue(TestSupport.isRoot(), "needs root to chown");
        QueueId id = Maildrop.submit(drop, env("", "a@x"), in(body(1, 1, 100)));
        Files.setAttribute(drop.resolve(id.value()), "unix:uid", 54321);
        assertEquals(0, q.pickup());
        assertNothingLeft();
        assertEquals(List.of(), q.list());
        List<String> r = quarantineReasons();
        assertEquals(1, r.size());
        assertTrue(r.get(0).contains("forged: header claims uid 0 but the file belongs to uid 54321"), r.toString());
    }

    @Test
    void symlinksFifosDirectoriesAndForeignNamesAreRefusedNeverFollowed() throws Exception {
        Path secret = root.resolve("secret");
        Files.writeString(secret, "top secret");
        Files.createSymbolicLink(drop.resolve(QueueId.generate().value()), secret);
        Files.createSymbolicLink(drop.resolve(QueueId.generate().value()), Path.of("/etc/shadow"));
        Path fifo = drop.resolve(QueueId.generate().value());
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        Files.createDirectory(drop.resolve(QueueId.generate().value()));
        Files.writeString(drop.resolve("notes.txt"), "hello");
        Files.createSymbolicLink(drop.resolve("link"), secret);
        QueueId good = Maildrop.submit(drop, env("", "a@x"), in(body(1, 1, 100)));

        assertEquals(1, q.pickup(), "the good one only, and pickup did not block on the FIFO");
        assertNothingLeft();
        assertEquals(List.of(good), q.due(Instant.now()));
        assertEquals("top secret", Files.readString(secret), "symlink target untouched");
        String r = String.join("\n", quarantineReasons());
        assertEquals(6, quarantineReasons().size(), r);
        assertTrue(r.contains("symbolic link (not followed)"), r);
        assertTrue(r.contains("not a regular file"), r);
        assertTrue(r.contains("foreign file name"), r);
        try (var s = Files.list(q.directory().resolve("quarantine"))) {
            assertEquals(3, s.filter(Files::isSymbolicLink).count(), "links moved as links");
        }
    }

    @Test
    void hardLinkedTruncatedPaddedAndRenamedDropsAreRefused() throws Exception {
        QueueId linked = Maildrop.submit(drop, env("", "a@x"), in(body(1, 1, 100)));
        Files.createLink(root.resolve("elsewhere"), drop.resolve(linked.value()));
        QueueId truncated = Maildrop.submit(drop, env("", "a@x"), in(body(1, 2, 1000)));
        try (var ch = java.nio.channels.FileChannel.open(drop.resolve(truncated.value()),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 10);
        }
        QueueId padded = Maildrop.submit(drop, env("", "a@x"), in(body(1, 3, 1000)));
        Files.write(drop.resolve(padded.value()), new byte[] {'x'}, java.nio.file.StandardOpenOption.APPEND);
        QueueId renamed = Maildrop.submit(drop, env("", "a@x"), in(body(1, 4, 1000)));
        Files.move(drop.resolve(renamed.value()), drop.resolve(QueueId.generate().value()));
        Files.writeString(drop.resolve(QueueId.generate().value()), "rsendmail-maildrop 1\nid nonsense\n");

        assertEquals(0, q.pickup());
        assertNothingLeft();
        String r = String.join("\n", quarantineReasons());
        assertEquals(5, quarantineReasons().size(), r);
        assertTrue(r.contains("has 2 hard links"), r);
        assertTrue(r.contains("incomplete: 990 message bytes, header says 1000"), r);
        assertTrue(r.contains("incomplete: 1001 message bytes"), r);
        assertTrue(r.contains("but header id " + renamed), r);
        assertTrue(r.contains("no \"end\" line"), r);
    }

    @Test
    void halfWrittenDropsWaitForTheirWriterThenGoToQuarantine() throws Exception {
        Owner dead = MailQueueTest.deadOwner();
        String live = QueueId.generate() + "." + Owner.self().token() + ".tmp";
        String deadFresh = QueueId.generate() + "." + dead.token() + ".tmp";
        String deadOld = QueueId.generate() + "." + dead.token() + ".tmp";
        for (String n : List.of(live, deadFresh, deadOld)) {
            Files.writeString(drop.resolve(n), "rsendmail-maildrop 1\nid ");
        }
        Files.setLastModifiedTime(drop.resolve(deadOld), FileTime.from(Instant.now().minusSeconds(3600)));
        Files.setLastModifiedTime(drop.resolve(live), FileTime.from(Instant.now().minusSeconds(3600)));
        assertEquals(0, q.pickup());
        assertEquals(List.of(deadFresh, live).stream().sorted().toList(), MailQueueTest.names(drop));
        assertEquals(List.of("half-written: its writer (pid " + dead.pid() + ") is gone"),
                quarantineReasons().stream().map(s -> s.substring(s.indexOf(": ") + 2)).toList());
    }

    @Test
    void aDuplicateIdIsRefused() throws Exception {
        QueueId id = Maildrop.submit(drop, env("", "a@x"), in(body(1, 1, 100)));
        Files.copy(drop.resolve(id.value()), root.resolve("copy"));
        assertEquals(1, q.pickup());
        Files.copy(root.resolve("copy"), drop.resolve(id.value()));
        assertEquals(0, q.pickup());
        assertNothingLeft();
        assertEquals(1, q.list().size());
        assertTrue(quarantineReasons().get(0).contains("an entry with this id already exists"));
    }

    @Test
    void aPickupCutShortIsFinishedByTheNextOne() throws Exception {
        QueueId id = Maildrop.submit(drop, env("s@x", "a@x"), in(body(2, 2, 5000)));
        // as left by a pickup killed after taking the file: private work dir, partial message copy
        Path work = q.directory().resolve("tmp").resolve(id + "." + MailQueueTest.deadOwner().token() + ".pickup");
        Files.createDirectory(work);
        Files.move(drop.resolve(id.value()), work.resolve("drop"));
        Files.writeString(work.resolve("msg"), "partial");
        // and one killed right after creating its work dir
        Path empty = q.directory().resolve("tmp").resolve(QueueId.generate() + "." + MailQueueTest.deadOwner().token() + ".pickup");
        Files.createDirectory(empty);
        assertEquals(1, q.pickup());
        assertNothingLeft();
        try (Claim c = q.claim(id).orElseThrow()) {
            assertArrayEquals(body(2, 2, 5000), readBody(c));
        }
    }

    @Test
    void aPickupKilledAfterDeletingTheDropIsCommittedAsItIs() throws Exception {
        QueueId id = Maildrop.submit(drop, env("s@x", "a@x"), in(body(2, 2, 5000)));
        assertEquals(1, q.pickup());
        // put the finished copy back into a dead pickup's work dir, as if killed just before the commit
        Path work = q.directory().resolve("tmp").resolve(id + "." + MailQueueTest.deadOwner().token() + ".pickup");
        Files.move(q.directory().resolve("queue").resolve(id.value()), work);
        // and a half-copied one without its drop file, which cannot happen: kept in quarantine, not lost
        QueueId odd = QueueId.generate();
        Path oddWork = q.directory().resolve("tmp").resolve(odd + "." + MailQueueTest.deadOwner().token() + ".pickup");
        Files.createDirectory(oddWork);
        Files.writeString(oddWork.resolve("msg"), "partial");
        assertEquals(1, q.pickup());
        assertNothingLeft();
        try (Claim c = q.claim(id).orElseThrow()) {
            assertArrayEquals(body(2, 2, 5000), readBody(c));
        }
        assertEquals(1, quarantineReasons().size());
        assertTrue(quarantineReasons().get(0).contains("unfinished pickup without its drop file"));
    }

    @Test
    void submitIntoAMissingDirectoryFailsCleanly() {
        QueueException e = org.junit.jupiter.api.Assertions.assertThrows(QueueException.class,
                () -> Maildrop.submit(root.resolve("nope"), env("", "a@x"), in(new byte[1])));
        assertEquals(73, e.exitCode());
        assertTrue(TimeUnit.SECONDS.toMillis(1) > 0);
    }
}
