package net.rsendmail.queue;

import static net.rsendmail.queue.TestSupport.body;
import static net.rsendmail.queue.TestSupport.env;
import static net.rsendmail.queue.TestSupport.in;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A 1 MiB tmpfs fills up mid-enqueue, then goes read-only: clear errors, nothing half-written, usable again. */
class DiskFullTest {
    Path root;
    Path mnt;
    boolean mounted;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestSupport.isRoot(), "mounting a tmpfs needs root");
        root = TestSupport.newDir("full");
        mnt = root.resolve("mnt");
        Files.createDirectory(mnt);
        run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", mnt.toString());
        mounted = true;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (mounted && run("umount", mnt.toString()) != 0) {
            run("umount", "-l", mnt.toString());
        }
        TestSupport.deleteTree(root);
    }

    static int run(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    /** Everything visible is complete and correct, and no temp file is left behind. */
    void assertClean(MailQueue q, List<QueueId> ok, List<byte[]> bodies) throws Exception {
        assertEquals(ok.stream().map(QueueId::value).sorted().toList(), MailQueueTest.names(q.directory().resolve("queue")));
        assertEquals(List.of(), MailQueueTest.names(q.directory().resolve("tmp")));
        assertEquals(List.of(), MailQueueTest.names(q.maildrop()));
        assertEquals(List.of(), MailQueueTest.names(q.directory().resolve("quarantine")));
        assertEquals(ok.size(), q.list().size());
        for (int i = 0; i < ok.size(); i++) {
            Path entry = q.directory().resolve("queue").resolve(ok.get(i).value());
            MailQueue.readEntry(ok.get(i), entry);
            assertArrayEquals(bodies.get(i), Files.readAllBytes(entry.resolve("msg")));
        }
    }

    static void assertNoSpace(QueueException e) {
        assertTrue(e.isNoSpace(), e.kind() + ": " + e.getMessage());
        assertEquals(74, e.exitCode());
        assertEquals("4.3.1", e.enhancedStatus());
        assertTrue(e.getMessage().contains("no space left"), e.getMessage());
    }

    @Test
    void fullThenFreedThenReadOnly() throws Exception {
        MailQueue q = MailQueue.open(mnt.resolve("q"));
        List<QueueId> ok = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            byte[] b = body(9, i, 1000);
            ok.add(q.enqueue(env("a@x", "b@x"), in(b)));
            bodies.add(b);
        }
        // one message bigger than the whole disk
        QueueException big = assertThrows(QueueException.class,
                () -> q.enqueue(env("a@x", "b@x"), in(body(9, 99, 2_000_000))));
        assertNoSpace(big);
        assertClean(q, ok, bodies);

        // a drop waiting for pickup while the disk fills
        byte[] waiting = body(8, 8, 30_000);
        QueueId waitingId = Maildrop.submit(q.maildrop(), env("a@x", "b@x"), in(waiting));
        Files.move(q.maildrop().resolve(waitingId.value()), mnt.resolve("waiting"));

        // fill up with ever smaller messages, so the failure lands in the body, the envelope, the directory
        int failures = 0;
        for (int size : new int[] {40_000, 4_000, 100, 1}) {
            for (int i = 0; i < 1000; i++) {
                byte[] b = body(size, i, size);
                try {
                    ok.add(q.enqueue(env("a@x", "b@x"), in(b)));
                    bodies.add(b);
                } catch (QueueException e) {
                    assertNoSpace(e);
                    failures++;
                    break;
                }
            }
        }
        assertEquals(4, failures);
        assertClean(q, ok, bodies);
        QueueException drop = assertThrows(QueueException.class,
                () -> Maildrop.submit(q.maildrop(), env("a@x", "b@x"), in(body(1, 1, 40_000))));
        assertNoSpace(drop);
        assertClean(q, ok, bodies);

        Files.move(mnt.resolve("waiting"), q.maildrop().resolve(waitingId.value()));
        QueueException pickup = assertThrows(QueueException.class, q::pickup);
        assertNoSpace(pickup);
        assertEquals(ok.size(), q.list().size());
        assertEquals(List.of(), MailQueueTest.names(q.maildrop()), "taken, kept privately in tmp/ for the next try");

        // free some space: usable again
        for (int i = 0; i < 10; i++) {
            q.claim(ok.remove(0)).orElseThrow().remove();
            bodies.remove(0);
        }
        byte[] b = body(7, 7, 20_000);
        ok.add(q.enqueue(env("a@x", "b@x"), in(b)));
        bodies.add(b);
        QueueId dropped = Maildrop.submit(q.maildrop(), env("a@x", "b@x"), in(body(7, 8, 3_000)));
        assertEquals(2, q.pickup(), "the new drop and the one that did not fit before");
        ok.add(waitingId);
        bodies.add(waiting);
        ok.add(dropped);
        bodies.add(body(7, 8, 3_000));
        assertClean(q, ok, bodies);

        // read-only: refused with 73, listing still works
        assertEquals(0, run("mount", "-o", "remount,ro", mnt.toString()));
        try {
            QueueException ro = assertThrows(QueueException.class,
                    () -> q.enqueue(env("a@x", "b@x"), in(body(1, 1, 100))));
            assertTrue(ro.isReadOnly(), ro.kind() + ": " + ro.getMessage());
            assertEquals(73, ro.exitCode());
            QueueException ro2 = assertThrows(QueueException.class,
                    () -> Maildrop.submit(q.maildrop(), env("a@x", "b@x"), in(body(1, 1, 100))));
            assertTrue(ro2.isReadOnly(), ro2.kind() + ": " + ro2.getMessage());
            assertEquals(ok.size(), q.list().size());
            assertEquals(ok.size(), q.due(Instant.now()).size());
            QueueException claim = assertThrows(QueueException.class, () -> q.claim(ok.get(0)));
            assertTrue(claim.isReadOnly(), claim.getMessage());
            assertTrue(MailQueue.open(q.directory()).directory().equals(q.directory()), "open works read-only");
        } finally {
            assertEquals(0, run("mount", "-o", "remount,rw", mnt.toString()));
        }
        b = body(7, 9, 100);
        ok.add(q.enqueue(env("a@x", "b@x"), in(b)));
        bodies.add(b);
        assertClean(q, ok, bodies);
    }
}
