package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real unprivileged users (created if missing with useradd -M -r): rsmqa submits through the
 * maildrop; rsmqb can neither list, read, change nor remove it, and its forged drop claiming to be
 * rsmqa is refused; the pickup, run as root, records rsmqa's uid.
 */
class MaildropUsersTest {
    static final String USER_A = TestUsers.USER_A;
    static final String USER_B = TestUsers.USER_B;
    Path root;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestSupport.isRoot(), "switching users needs root");
        root = TestSupport.newDir("users");
    }

    @AfterEach
    void tearDown() {
        TestSupport.deleteTree(root);
    }

    List<String> asUser(int[] ug, String cp, byte[] stdin, String... args) throws Exception {
        return TestUsers.child(root, ug, cp, stdin, args);
    }

    @Test
    void otherUsersCannotTouchADropAndPickupRecordsTheSubmitter() throws Exception {
        int[] a = TestUsers.ensureUser(USER_A);
        int[] b = TestUsers.ensureUser(USER_B);
        String cp = TestUsers.classPath(root);
        MailQueue q = MailQueue.open(root.resolve("q"));
        Path drop = q.maildrop();
        byte[] body = TestSupport.body(3, 3, 9_000);

        List<String> submitted = asUser(a, cp, body, "submit", drop.toString(), "alice@example.org", "bob@example.net");
        QueueId id = QueueId.parse(submitted.get(0));
        Path f = drop.resolve(id.value());
        assertEquals(a[0], Files.getAttribute(f, "unix:uid"));
        assertEquals(Files.getAttribute(drop, "unix:gid"), Files.getAttribute(f, "unix:gid"));
        assertEquals(0640, (Integer) Files.getAttribute(f, "unix:mode") & 07777);
        byte[] before = Files.readAllBytes(f);

        List<String> attack = asUser(b, cp, new byte[0], "attack", drop.toString(), id.value(), q.directory().toString());
        assertEquals(10, attack.size(), attack.toString());
        for (String line : attack) {
            assertTrue(line.contains(" denied "), line);
        }
        assertArrayEquals(before, Files.readAllBytes(f), "unchanged after the attack");
        assertEquals(List.of(id.value()), MailQueueTest.names(drop));

        assertEquals(List.of("owner false", "enqueue PERMISSION 73"),
                asUser(a, cp, new byte[0], "enqueue", q.directory().toString()), "the private queue is out of reach");

        List<String> forged = asUser(b, cp, new byte[0], "forge", drop.toString(), Integer.toString(a[0]));
        QueueId forgedId = QueueId.parse(forged.get(0));
        assertEquals(b[0], Files.getAttribute(drop.resolve(forgedId.value()), "unix:uid"));

        assertEquals(1, q.pickup());
        assertEquals(List.of(), MailQueueTest.names(drop));
        List<QueueEntry> l = q.list();
        assertEquals(1, l.size());
        assertEquals(id, l.get(0).id());
        assertEquals(a[0], l.get(0).submitterUid());
        assertEquals("alice@example.org", l.get(0).sender());
        try (Claim c = q.claim(id).orElseThrow()) {
            assertArrayEquals(body, TestSupport.readBody(c));
            assertEquals(a[0], c.message().submitterUid());
        }
        try (Stream<Path> s = Files.list(q.directory().resolve("quarantine"))) {
            List<Path> reasons = s.filter(p -> p.toString().endsWith(".reason")).toList();
            assertEquals(1, reasons.size());
            String reason = Files.readString(reasons.get(0));
            assertTrue(reason.contains("forged: header claims uid " + a[0] + " but the file belongs to uid " + b[0]), reason);
        }
    }
}
