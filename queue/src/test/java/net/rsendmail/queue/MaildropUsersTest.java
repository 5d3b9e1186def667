package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    static final String USER_A = "rsmqa";
    static final String USER_B = "rsmqb";
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

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    static int[] ensureUser(String name) throws Exception {
        Process p = new ProcessBuilder("getent", "passwd", name).start();
        if (p.waitFor() != 0) {
            run("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", name);
        }
        return new int[] {Integer.parseInt(run("id", "-u", name)), Integer.parseInt(run("id", "-g", name))};
    }

    /** The queue classes, test classes and slf4j-api, copied where the test users can read them. */
    String userClassPath() throws IOException, URISyntaxException {
        Path cp = Files.createDirectory(root.resolve("cp"));
        List<String> parts = new ArrayList<>();
        int n = 0;
        for (Class<?> c : List.of(MailQueue.class, DropUserChild.class, org.slf4j.Logger.class)) {
            Path src = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dst = cp.resolve(n++ + "-" + src.getFileName());
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    Files.setAttribute(t, "unix:mode", Files.isDirectory(p) ? 0755 : 0644);
                }
            }
            parts.add(dst.toString());
        }
        Files.setAttribute(cp, "unix:mode", 0755);
        return String.join(":", parts);
    }

    List<String> asUser(int[] ug, String cp, byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + ug[0], "--regid=" + ug[1], "--clear-groups", "--"));
        cmd.addAll(TestSupport.javaCommand(DropUserChild.class, cp, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile());
        Child c = new Child(pb, root.resolve("child-" + System.nanoTime() + ".err"));
        try (OutputStream o = c.process.getOutputStream()) {
            o.write(stdin);
        }
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        List<String> out = c.finish();
        assertEquals(0, c.process.exitValue(), String.join(" ", args) + ": " + c.errors());
        return out;
    }

    @Test
    void otherUsersCannotTouchADropAndPickupRecordsTheSubmitter() throws Exception {
        int[] a = ensureUser(USER_A);
        int[] b = ensureUser(USER_B);
        String cp = userClassPath();
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

        assertEquals(List.of("writable false", "enqueue PERMISSION 73"),
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
