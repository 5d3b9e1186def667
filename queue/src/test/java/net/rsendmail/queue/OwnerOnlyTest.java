package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A queue owned by a real unprivileged user (rsmqa): root and the other user (rsmqb) never write
 * into it, and what they leave where the owner cannot use it is set aside once, never retried.
 */
class OwnerOnlyTest {
    Path root;
    Path dir;
    int[] owner;
    int[] other;
    String cp;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TestSupport.isRoot(), "switching users needs root");
        root = TestSupport.newDir("owner");
        owner = TestUsers.ensureUser(TestUsers.USER_A);
        other = TestUsers.ensureUser(TestUsers.USER_B);
        cp = TestUsers.classPath(root);
        dir = Files.createDirectory(root.resolve("q"));
        TestUsers.run("chown", owner[0] + ":" + owner[1], dir.toString());
        Files.setAttribute(dir, "unix:mode", 0711);
        assertEquals(List.of("owner true", "picked up 0"), run(), "the owner makes the queue's parts");
    }

    @AfterEach
    void tearDown() {
        TestSupport.deleteTree(root);
    }

    List<String> run() throws Exception {
        return TestUsers.child(root, owner, cp, new byte[0], "run", dir.toString());
    }

    List<String> reasons() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir.resolve("quarantine"))) {
            for (Path p : s.sorted().toList()) {
                if (p.toString().endsWith(".reason")) {
                    out.add(Files.readString(p).trim());
                }
            }
        }
        return out;
    }

    /** Everything below the queue directory belongs to the owner. */
    void assertAllOwnersExcept(String... foreign) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                long uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                boolean allowed = Stream.of(foreign).anyMatch(f -> dir.relativize(p).toString().startsWith(f));
                assertTrue(uid == owner[0] || allowed, p + " belongs to uid " + uid);
            }
        }
    }

    @Test
    void rootSubmitsThroughTheMaildropAndWritesNothingElse() throws Exception {
        MailQueue q = MailQueue.open(dir);
        assertFalse(q.isOwner());
        assertEquals(owner[0], q.ownerUid());
        QueueException e = assertThrows(QueueException.class,
                () -> q.enqueue(TestSupport.env("root@x.test", "a@x.test"), TestSupport.in(new byte[10])));
        assertEquals(QueueException.Kind.PERMISSION, e.kind());
        assertEquals(73, e.exitCode());
        assertTrue(e.getMessage().contains("only the queue's owner (uid " + owner[0] + ")"), e.getMessage());
        assertEquals(QueueException.Kind.PERMISSION, assertThrows(QueueException.class, q::pickup).kind());
        assertEquals(QueueException.Kind.PERMISSION,
                assertThrows(QueueException.class, () -> q.recoverStaleClaims(Duration.ZERO)).kind());

        Files.delete(dir.resolve("failed"));
        Files.delete(dir.resolve("maildrop"));
        MailQueue.open(dir);
        assertEquals(owner[0], Files.getAttribute(dir.resolve("failed"), "unix:uid"), "root makes missing parts the owner's");
        assertEquals(0700, (Integer) Files.getAttribute(dir.resolve("failed"), "unix:mode") & 07777);
        assertEquals(owner[1], Files.getAttribute(dir.resolve("maildrop"), "unix:gid"));
        assertEquals(03733, (Integer) Files.getAttribute(dir.resolve("maildrop"), "unix:mode") & 07777);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("claimed", "failed", "maildrop", "quarantine", "queue", "tmp"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }

        QueueId id = Maildrop.submit(q.maildrop(), TestSupport.env("root@x.test", "a@x.test"), TestSupport.in(new byte[10]));
        assertEquals(0, (Integer) Files.getAttribute(q.maildrop().resolve(id.value()), "unix:uid"));
        assertEquals(List.of("owner true", "picked up 1", "delivered " + id + " uid 0"), run());
        assertAllOwnersExcept();
        assertEquals(List.of(), reasons());
    }

    @Test
    void anEntryTheOwnerCannotClaimOrReadIsSetAsideOnce() throws Exception {
        // what an older version left: root's mail written straight into the owner's queue
        MailQueue roots = MailQueue.open(root.resolve("roots"));
        QueueId unclaimable = roots.enqueue(TestSupport.env("root@x.test", "a@x.test"), TestSupport.in(new byte[10]));
        Files.move(roots.directory().resolve("queue").resolve(unclaimable.value()),
                dir.resolve("queue").resolve(unclaimable.value()), StandardCopyOption.ATOMIC_MOVE);
        // the owner's directory, but an envelope only root may read
        QueueId unreadable = roots.enqueue(TestSupport.env("root@x.test", "a@x.test"), TestSupport.in(new byte[10]));
        Path e2 = dir.resolve("queue").resolve(unreadable.value());
        Files.move(roots.directory().resolve("queue").resolve(unreadable.value()), e2, StandardCopyOption.ATOMIC_MOVE);
        TestUsers.run("chown", owner[0] + ":" + owner[1], e2.toString());
        Files.setAttribute(e2.resolve("env"), "unix:mode", 0600);

        assertEquals(List.of("owner true", "picked up 0"), run());
        List<String> r = reasons();
        assertEquals(2, r.size(), r::toString);
        String claim = r.stream().filter(x -> x.contains(unclaimable.value())).findFirst().orElseThrow();
        assertTrue(claim.contains("cannot claim it: ") && claim.contains("owned by uid 0, the queue's owner is uid "
                + owner[0]) && claim.contains("(left as " + dir.resolve("queue") + "/.quarantined.queue."), claim);
        String read = r.stream().filter(x -> x.contains(unreadable.value())).findFirst().orElseThrow();
        assertTrue(read.matches(".*: cannot read " + dir.resolve("claimed") + "/" + unreadable.value()
                + "\\.[0-9.]+/env: permission denied \\(owned by uid 0, the queue's owner is uid " + owner[0] + "\\)"), read);
        try (Stream<Path> s = Files.list(dir.resolve("queue"))) {
            List<String> left = s.map(p -> p.getFileName().toString()).toList();
            assertEquals(1, left.size(), left::toString);
            assertTrue(left.get(0).startsWith(".quarantined.queue." + unclaimable.value() + "."), left.get(0));
        }
        assertTrue(MailQueue.open(dir).list().isEmpty(), "set aside: not listed as queued");

        assertEquals(List.of("owner true", "picked up 0"), run());
        assertEquals(r, reasons(), "reported once, not at every run");
    }

    @Test
    void oddMaildropEntriesAreQuarantinedOnce() throws Exception {
        Path drop = dir.resolve("maildrop");
        String idDir = QueueId.generate().value();
        String idLink = QueueId.generate().value();
        List<String> as = TestUsers.as(other);
        TestUsers.run(cmd(as, "mkdir", drop.resolve("adir").toString()));
        TestUsers.run(cmd(as, "touch", drop.resolve("adir/inside").toString()));
        TestUsers.run(cmd(as, "mkdir", drop.resolve(idDir).toString()));
        TestUsers.run(cmd(as, "mkfifo", drop.resolve("afifo").toString()));
        TestUsers.run(cmd(as, "ln", "-s", "/etc/shadow", drop.resolve(idLink).toString()));

        assertEquals(List.of("owner true", "picked up 0"), run());
        List<String> r = reasons();
        assertEquals(4, r.size(), r::toString);
        assertEquals(0, MailQueue.open(dir).maildropBacklog());
        try (Stream<Path> s = Files.list(drop)) {
            List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, left.size(), "the two directories stay, renamed: " + left);
            assertTrue(left.stream().allMatch(n -> n.startsWith(".quarantined.maildrop.")), left::toString);
        }
        assertTrue(Files.exists(drop.resolve(left(drop, "adir")).resolve("inside")), "kept, not deleted");
        assertTrue(Files.exists(Path.of("/etc/shadow")));

        assertEquals(List.of("owner true", "picked up 0"), run());
        assertEquals(r, reasons(), "reported once, not at every pickup");
        assertAllOwnersExcept("maildrop/.quarantined.", "quarantine/maildrop.");
    }

    private static String left(Path drop, String name) throws IOException {
        try (Stream<Path> s = Files.list(drop)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains("." + name + ".")).findFirst().orElseThrow();
        }
    }

    private static String[] cmd(List<String> prefix, String... args) {
        List<String> c = new ArrayList<>(prefix);
        c.addAll(List.of(args));
        return c.toArray(String[]::new);
    }
}
