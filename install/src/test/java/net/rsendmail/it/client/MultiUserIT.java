package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A multi-user machine (sshsendmail/README §5), for real: a queue owned by a system user made by
 * the test (rsmqa, the only one who can read the key), root, and two unprivileged users (rsmqb,
 * rsmqc), each running bin/sshsendmail through setpriv against the real sshd and rsendmail of
 * {@link World}. Nobody but the owner ever writes into the private queue, every message is
 * delivered exactly once, and nothing a local user leaves behind wedges or spins a runner.
 */
class MultiUserIT {
    static final String OWNER = "rsmqa";
    static final String USER1 = "rsmqb";
    static final String USER2 = "rsmqc";

    World w;
    int[] owner;
    int[] user1;
    int[] user2;
    Path conf;
    Path queue;
    Path log;
    Path key;

    @BeforeEach
    void start() {
        assumeTrue(Files2.isRoot(), "switching users needs root");
        owner = ensureUser(OWNER);
        user1 = ensureUser(USER1);
        user2 = ensureUser(USER2);
        w = new World();
        queue = w.dir.resolve("spool");
        w.check("install", "-d", "-o", OWNER, "-g", OWNER, "-m", "0711", queue.toString());
        Path logs = w.dir.resolve("logs");
        w.check("install", "-d", "-o", OWNER, "-g", OWNER, "-m", "0755", logs.toString());
        log = logs.resolve("client.log");
        key = w.dir.resolve("owner_key");
        try {
            Files.copy(w.clientKey, key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        w.check("chown", OWNER, key.toString());
        Files2.chmod(key, "rw-------");
        conf = w.dir.resolve("multi.conf");
        config(true);
    }

    @AfterEach
    void stop() {
        if (w != null) {
            try {
                // the owner's runners started for root's mail: they leave once the queue is empty
                Proc.awaitGone(h -> Proc.commandLine(h).contains(conf.toString())
                        || Proc.environ(h).contains("SSHSENDMAIL_CONF=" + conf + "\0"), Duration.ofSeconds(30),
                        "sshsendmail of " + conf);
            } finally {
                w.close();
            }
        }
    }

    void config(boolean background) {
        Files2.write(conf, "relay " + w.user + "@127.0.0.1:" + w.port + "\n"
                + "identity " + key + "\nknown_hosts " + w.knownHosts + "\nqueue " + queue + "\n"
                + "domain client.test\nlog " + log + "\nbackground " + (background ? "yes" : "no") + "\n"
                + "connect_timeout 5s\nauth_timeout 5s\ncommand_timeout 20s\n");
    }

    int[] ensureUser(String name) {
        try {
            Process p = new ProcessBuilder("getent", "passwd", name).start();
            if (p.waitFor() != 0) {
                Process add = new ProcessBuilder("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", name).inheritIO().start();
                assertEquals(0, add.waitFor(), "useradd " + name);
            }
            return new int[] {id(name, "-u"), id(name, "-g")};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static int id(String name, String flag) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("id", flag, name).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, p.waitFor());
        return Integer.parseInt(out);
    }

    static List<String> as(int[] ug, String... cmd) {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + ug[0], "--regid=" + ug[1], "--init-groups", "--"));
        c.addAll(List.of(cmd));
        return c;
    }

    /** bin/sshsendmail as {@code ug} (null: as root). */
    Proc.Result send(int[] ug, byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(w.sshsendmail().toString());
        cmd.addAll(List.of(args));
        return w.run(ug == null ? cmd : as(ug, cmd.toArray(String[]::new)), stdin, Map.of("SSHSENDMAIL_CONF",
                conf.toString()), Duration.ofSeconds(60));
    }

    Proc.Result mail(int[] ug, String subject) {
        Proc.Result r = send(ug, World.message("x@client.test", "bob@example.org", subject), "-oi", "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out() + r.err());
        return r;
    }

    /** How often each subject reached the relay's sendmail. */
    Map<String, Integer> delivered() {
        Map<String, Integer> n = new TreeMap<>();
        for (RecordingSendmail.Call c : w.calls()) {
            for (String line : c.text().split("\n")) {
                if (line.startsWith("Subject: ")) {
                    n.merge(line.substring(9), 1, Integer::sum);
                }
            }
        }
        return n;
    }

    /** Path below the queue directory → owner uid, mode, size, mtime: for "nothing changed". */
    Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(queue)) {
            for (Path p : s.toList()) {
                Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
                out.put(queue.relativize(p).toString(), a.get("uid") + " " + Integer.toOctalString((Integer) a.get("mode") & 07777)
                        + " " + a.get("size") + " " + a.get("lastModifiedTime"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Everything below the queue directory belongs to the owner, but for the given prefixes. */
    void assertAllOwners(String... except) {
        snapshot().forEach((p, a) -> {
            boolean allowed = Stream.of(except).anyMatch(p::startsWith);
            assertTrue(allowed || a.startsWith(owner[0] + " "), p + " is " + a + ", not the owner's (uid " + owner[0] + ")");
        });
    }

    static int mode(Path p) {
        try {
            return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Path> reasons() {
        try (Stream<Path> s = Files.list(queue.resolve("quarantine"))) {
            return s.filter(p -> p.toString().endsWith(".reason")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long logLines(String containing) {
        return Files2.read(log).lines().filter(l -> l.contains(containing)).count();
    }

    Process daemon() {
        try {
            Path out = w.dir.resolve("daemon-" + System.nanoTime() + ".out");
            ProcessBuilder pb = new ProcessBuilder(as(owner, w.sshsendmail().toString(), "--daemon"))
                    .redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("SSHSENDMAIL_CONF", conf.toString());
            long before = logLines("daemon started");
            Process p = pb.start();
            Wait.until(() -> logLines("daemon started") > before || !p.isAlive(), Duration.ofSeconds(30),
                    () -> "daemon did not start: " + Files2.read(out) + Files2.read(log));
            assertTrue(p.isAlive(), () -> "daemon exited " + Files2.read(out) + Files2.read(log));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stopDaemon(Process p) throws InterruptedException {
        long before = logLines("daemon stopped");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "daemon stops on SIGTERM");
        Wait.until(() -> logLines("daemon stopped") > before, Duration.ofSeconds(10), () -> Files2.read(log));
    }

    void assertStateFilesPrivate() {
        assertEquals(0600, mode(log), "the log names every user's senders and recipients");
        for (String f : List.of("runner.lock", "relay-modes")) {
            Path p = queue.resolve(f);
            if (Files.exists(p)) {
                assertEquals(0600, mode(p), f);
            }
        }
    }

    /** The owner's first run (here a listing) makes the queue's parts, as the daemon's start does. */
    void ready() {
        Proc.Result r = send(owner, null, "-bp");
        assertEquals(0, r.exit(), r::toString);
    }

    // ------------------------------------------------------------------ tests

    @Test
    void aUserWhoCannotReachTheOwnersKeyIsNotRefusedForIt() throws IOException {
        config(false);
        Path keys = w.dir.resolve("keys");
        w.check("install", "-d", "-o", OWNER, "-g", OWNER, "-m", "0700", keys.toString());
        Path hidden = keys.resolve("id");
        Files.move(key, hidden);
        key = hidden;
        config(false);
        ready();
        mail(user1, "hidden key"); // stat gets permission denied: no reason to refuse
        Proc.Result q = send(null, null, "-q");
        assertEquals(0, q.exit(), "root's -q runs the owner's runner, who reads the key: " + q);
        assertEquals(Map.of("hidden key", 1), delivered());
        // a key the user can see, open to others, is refused for everyone alike
        Files2.chmod(hidden, "rw-r--r--");
        w.check("chmod", "0711", keys.toString());
        Proc.Result loose = send(user1, World.message("x@client.test", "bob@example.org", "loose"), "-oi", "bob@example.org");
        assertEquals(78, loose.exit(), loose::toString);
        assertTrue(loose.err().contains("identity " + hidden + " is readable by others (chmod 600 it)"), loose::toString);
    }

    @Test
    void queueOperationsRunAsTheOwnerForRootAndNobodyElse() {
        config(false);
        ready();
        mail(user1, "to delete");
        Proc.Result other = send(user2, null, "--delete", "ALL");
        assertEquals(77, other.exit(), other::toString);
        assertTrue(other.err().contains("--delete: only the owner of the queue"), other::toString);
        Proc.Result root = send(null, null, "--delete", "ALL");
        assertEquals(0, root.exit(), root::toString);
        assertEquals("Deleted: 1 message(s)\n", root.out(), "the maildrop was taken in first: " + root);
        assertTrue(send(owner, null, "-bp").out().contains("Mail queue is empty"));
        assertTrue(Files2.read(log).contains("status=deleted by the queue's administrator"), Files2.read(log));
        assertAllOwners();
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void rootWithoutADaemonDropsItsMailAndTheOwnersRunnerDeliversItOnce() {
        config(false);
        mail(null, "root-1"); // into a queue directory nobody has used yet
        Map<String, String> roots = new TreeMap<>(snapshot());
        roots.values().removeIf(a -> !a.startsWith("0 "));
        assertEquals(1, roots.size(), "root made the queue's parts the owner's, and dropped one file: " + snapshot());
        String dropped = roots.keySet().iterator().next();
        assertTrue(dropped.startsWith("maildrop/") && roots.get(dropped).startsWith("0 640 "), roots::toString);

        Proc.Result none = send(null, null, "-qRnobody@");
        assertEquals(0, none.exit(), "root's -qR runs the owner's, with the selector: " + none);
        assertEquals(Map.of(), delivered());
        Proc.Result q = send(null, null, "-q");
        assertEquals(0, q.exit(), "root's -q runs the owner's runner: " + q);
        assertEquals(Map.of("root-1", 1), delivered());
        assertAllOwners();

        config(true);
        mail(null, "root-2"); // starts the owner's runner in the background
        w.awaitCalls(2, Duration.ofSeconds(30));
        mail(user1, "user1");
        mail(user2, "user2");
        Proc.Result q2 = send(owner, null, "-q");
        assertEquals(0, q2.exit(), q2::toString);
        Wait.until(() -> delivered().size() == 4, Duration.ofSeconds(30), () -> delivered() + Files2.read(log));
        Proc.Result q3 = send(owner, null, "-q");
        assertEquals(0, q3.exit(), q3::toString);
        Proc.Result list = send(owner, null, "-bp");
        assertTrue(list.out().contains("Mail queue is empty"), list::toString);
        assertEquals(Map.of("root-1", 1, "root-2", 1, "user1", 1, "user2", 1), delivered());
        assertAllOwners();
        assertStateFilesPrivate();
    }

    @Test
    void withTheDaemonRunningRootsMailGoesOutAndTheOwnerCanStillRunTheQueue() throws Exception {
        Process d = daemon();
        mail(null, "root-daemon");
        w.awaitCalls(1, Duration.ofSeconds(30));
        mail(user1, "user1-daemon");
        w.awaitCalls(2, Duration.ofSeconds(30));
        stopDaemon(d);
        assertAllOwners();

        mail(null, "root-alone"); // no daemon: the owner's runner, started for root
        w.awaitCalls(3, Duration.ofSeconds(30));
        Proc.Result q = send(owner, null, "-q");
        assertEquals(0, q.exit(), "the owner's -q after root sent: " + q);
        Process again = daemon();
        mail(user2, "user2-daemon");
        w.awaitCalls(4, Duration.ofSeconds(30));
        stopDaemon(again);
        assertEquals(Map.of("root-daemon", 1, "user1-daemon", 1, "root-alone", 1, "user2-daemon", 1), delivered());
        assertAllOwners();
        assertStateFilesPrivate();
    }

    @Test
    void anUnprivilegedUsersQueueRunChangesNothing() {
        config(false);
        Proc.Result early = send(user1, World.message("x@client.test", "bob@example.org", "early"), "-oi", "bob@example.org");
        assertEquals(73, early.exit(), early::toString);
        assertEquals("sshsendmail: 4.3.0 cannot queue the message: " + queue.resolve("maildrop") + " does not exist yet;"
                + " the queue's owner (user " + OWNER + ") makes it when its daemon or sshsendmail -q first runs\n", early.err());
        assertEquals(List.of(""), List.copyOf(snapshot().keySet()), "a user makes nothing in a queue not set up yet");
        ready();
        mail(user1, "waiting-1");
        mail(null, "waiting-2");
        Map<String, String> before = snapshot();
        for (String mode : List.of("-q", "--daemon")) {
            Proc.Result r = send(user2, null, mode);
            assertEquals(77, r.exit(), r::toString);
            assertEquals("", r.out());
            assertEquals(1, r.err().lines().count(), r::toString);
            assertTrue(r.err().startsWith("sshsendmail: 4.3.0 " + mode + ": only the owner of the queue " + queue
                    + " (user " + OWNER + ") delivers from it"), r::toString);
        }
        assertEquals(before, snapshot(), "nothing created, moved or touched");
        assertTrue(!Files.exists(log), "no log file made by the wrong user");
        assertEquals(List.of(), w.calls());

        Proc.Result q = send(owner, null, "-q");
        assertEquals(0, q.exit(), q::toString);
        assertEquals(Map.of("waiting-1", 1, "waiting-2", 1), delivered());
    }

    @Test
    void whatTheRelayWouldRefuseIsRefusedAtSubmission() {
        config(false);
        ready();
        Map<String, String> before = snapshot();
        Proc.Result dash = send(user1, World.message("x@client.test", "bob@example.org", "dash"), "-oi", "--", "-oQ/tmp@x");
        assertEquals(64, dash.exit(), dash::toString);
        assertTrue(dash.err().contains("address starts with '-'"), dash::toString);
        Proc.Result bare = send(user1, World.message("x@client.test", "bob@example.org", "bp"), "-oi", "--", "-bp");
        assertEquals(64, bare.exit(), bare::toString);
        Proc.Result header = send(user1, "To: -oQ/tmp@x\nSubject: t\n\nbody\n".getBytes(StandardCharsets.UTF_8), "-t", "-oi");
        assertEquals(65, header.exit(), header::toString);
        Proc.Result sender = send(null, World.message("x@client.test", "bob@example.org", "sender"), "-oi", "-f",
                "-oQ/tmp@x", "bob@example.org");
        assertEquals(64, sender.exit(), sender::toString);
        assertEquals(before, snapshot(), "nothing queued");
    }

    @Test
    void forgedAndOddMaildropEntriesAreQuarantinedOnce() {
        config(false);
        ready();
        Path drop = queue.resolve("maildrop");
        String id = "20260101T000000000000Z-0123456789abcdef";
        byte[] msg = "Subject: forged\n\nhi\n".getBytes(StandardCharsets.US_ASCII);
        String size = String.format("%020d", msg.length);
        String header = "rsendmail-maildrop 1\nid " + id + "\nuid " + user1[0] + "\ncreated 2026-01-01T00:00:00Z\nsize "
                + size + "\nsender <u@client.test>\nrcpt -oQ/tmp@x\nend\n";
        byte[] file = (header + new String(msg, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
        Proc.Result forged = w.run(as(user1, "/bin/sh", "-c", "umask 027; cat > \"$1\"", "sh", drop.resolve(id).toString()),
                file, Map.of(), Duration.ofSeconds(10));
        assertEquals(0, forged.exit(), forged::toString);
        w.check(as(user1, "mkdir", drop.resolve("adir").toString()).toArray(String[]::new));
        w.check(as(user1, "touch", drop.resolve("adir/inside").toString()).toArray(String[]::new));
        w.check(as(user2, "mkfifo", drop.resolve("afifo").toString()).toArray(String[]::new));
        w.check(as(user2, "ln", "-s", "/etc/shadow", drop.resolve("alink").toString()).toArray(String[]::new));
        mail(user2, "good");

        Proc.Result q = send(owner, null, "-q");
        assertEquals(0, q.exit(), q::toString);
        assertEquals(Map.of("good", 1), delivered());
        List<Path> r = reasons();
        assertEquals(4, r.size(), r::toString);
        String all = String.join("\n", r.stream().map(Files2::read).toList());
        assertTrue(all.contains("envelope refused: recipient <-oQ/tmp@x>: address starts with '-'"), all);
        assertEquals(4, logLines("WARN quarantined "), Files2.read(log));

        Proc.Result q2 = send(owner, null, "-q");
        assertEquals(0, q2.exit(), q2::toString);
        assertEquals(r, reasons(), "quarantined once");
        assertEquals(4, logLines("WARN quarantined "), "logged once: " + Files2.read(log));
        assertEquals(Map.of("good", 1), delivered());
        assertAllOwners("maildrop/.quarantined.", "quarantine/maildrop.");
        assertStateFilesPrivate();
    }

    /**
     * What an older version left: root's mail written straight into queue/ as root. The owner's
     * runner sets it aside once and ends; its CPU time (the JVM's start included) is read from
     * /proc: the shell that waited for it reports its children's utime and stime.
     */
    @Test
    void aRunnerFacingAnEntryItCannotClaimNeitherSpinsNorRepeats() throws Exception {
        config(false);
        Path rootConf = w.dir.resolve("root.conf");
        Files2.write(rootConf, Files2.read(conf).replace("queue " + queue, "queue " + w.dir.resolve("rootq"))
                .replace("background yes", "background no").replace("log " + log, "log none"));
        Proc.Result r = w.run(List.of(w.sshsendmail().toString(), "-C", rootConf.toString(), "-oi", "bob@example.org"),
                World.message("root@client.test", "bob@example.org", "stuck"), Map.of(), Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r::toString);
        ready();
        Path entry;
        try (Stream<Path> s = Files.list(w.dir.resolve("rootq/queue"))) {
            entry = s.findFirst().orElseThrow();
        }
        Files.move(entry, queue.resolve("queue").resolve(entry.getFileName()), StandardCopyOption.ATOMIC_MOVE);

        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
                "\"$@\"; rc=$?; set -- $(cut -d')' -f2 /proc/$$/stat); echo \"$rc ${14} ${15}\"", "sh"));
        cmd.addAll(as(owner, w.sshsendmail().toString(), "-q"));
        Proc.Result run = w.run(cmd, null, Map.of("SSHSENDMAIL_CONF", conf.toString()), Duration.ofSeconds(60));
        String[] f = run.out().trim().split(" ");
        assertEquals("0", f[0], run::toString);
        long ticks = Long.parseLong(f[1]) + Long.parseLong(f[2]);
        double seconds = ticks / (double) clockTicks();
        System.out.printf("CPU time of sshsendmail -q facing an unclaimable entry: %.2f s%n", seconds);
        assertTrue(seconds < 1.0, "CPU time " + seconds + " s");
        assertEquals(Map.of(), delivered());
        String id = entry.getFileName().toString();
        assertEquals(1, logLines("cannot claim it"), Files2.read(log));
        assertTrue(Files2.read(reasons().get(0)).contains("owned by uid 0, the queue's owner is uid " + owner[0]));

        Process d = daemon();
        mail(owner, "after");
        w.awaitCalls(1, Duration.ofSeconds(30));
        stopDaemon(d);
        assertEquals(1, logLines(id), "one line about it, whoever runs: " + Files2.read(log));
        assertEquals(1, reasons().size());
    }

    static long clockTicks() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertEquals(0, p.waitFor());
        return Long.parseLong(out);
    }
}
