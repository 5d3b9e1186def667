package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real nullmailer 2 (Debian's package, unpacked with dpkg -x: it conflicts with Postfix) with
 * sshsendmail as its protocol module. nullmailer has its paths compiled in (/etc/nullmailer,
 * /var/spool/nullmailer, /usr/lib/nullmailer, /usr/sbin, /usr/bin), so it runs in a private mount
 * namespace (unshare -m) where overlay mounts put the unpacked programs, a config and our
 * protocol module there, and a bind mount puts a private spool on /var/spool/nullmailer. Nothing
 * outside the namespace changes. Needs root.
 */
class NullmailerIT {
    static Path nullmailerRoot;
    World w;
    Path nm;

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "unshare and mount need root");
        Path root = Path.of(System.getProperty("nullmailer.root", "target/nullmailer/root")).toAbsolutePath();
        if (!Files.isExecutable(root.resolve("usr/sbin/nullmailer-send"))) {
            Path cache = root.getParent();
            Files.createDirectories(cache);
            Process p = new ProcessBuilder("sh", "-c", "apt-get download nullmailer >/dev/null 2>&1 && dpkg -x nullmailer_*.deb root")
                    .directory(cache.toFile()).inheritIO().start();
            p.waitFor();
        }
        assumeTrue(Files.isExecutable(root.resolve("usr/sbin/nullmailer-send")),
                "nullmailer not available (apt-get download nullmailer failed)");
        nullmailerRoot = root;
    }

    @BeforeEach
    void start() throws IOException {
        w = new World();
        nm = w.dir.resolve("nm");
        Path lib = Files.createDirectories(nm.resolve("usrlib/nullmailer"));
        Files.createDirectories(nm.resolve("etc/nullmailer"));
        Files.createDirectories(nm.resolve("varspool/nullmailer"));
        for (String d : List.of("queue", "tmp", "failed")) {
            Files.createDirectories(nm.resolve("spool").resolve(d));
        }
        // the protocol module: what README tells admins to install as /usr/lib/nullmailer/sshsendmail
        Files2.chmod(Files2.write(lib.resolve("sshsendmail"), "#!/bin/sh\nexec " + w.sshsendmail() + " --nullmailer \"$@\"\n"),
                "rwxr-xr-x");
        Files2.write(nm.resolve("etc/nullmailer/remotes"), "127.0.0.1 sshsendmail --user=" + w.user + " port=" + w.port
                + " identity=" + w.clientKey + " known-hosts=" + w.knownHosts + " config=" + w.clientConf + "\n");
        Files2.write(nm.resolve("etc/nullmailer/pausetime"), "0\n"); // one pass, then exit
        Files2.write(nm.resolve("etc/nullmailer/defaultdomain"), "client.test\n");
        Files2.write(nm.resolve("etc/nullmailer/me"), "client.test\n");
        w.check("mkfifo", nm.resolve("spool/trigger").toString());
        w.check("chown", "-R", "mail", nm.resolve("spool").toString());
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    /** Injects one message with nullmailer's sendmail, then runs nullmailer-send once. */
    Proc.Result injectAndSend(byte[] message, String... rcpts) {
        String script = String.join("\n",
                "set -e",
                "mount --make-rprivate /",
                "N=" + nm + "; R=" + nullmailerRoot,
                "mount -t overlay overlay -o lowerdir=$N/usrlib:/usr/lib /usr/lib",
                "mount -t overlay overlay -o lowerdir=$N/etc:/etc /etc",
                "mount -t overlay overlay -o lowerdir=$N/varspool:/var/spool /var/spool",
                "mount -t overlay overlay -o lowerdir=$R/usr/sbin:/usr/sbin /usr/sbin",
                "mount -t overlay overlay -o lowerdir=$R/usr/bin:/usr/bin /usr/bin",
                "mount --bind $N/spool /var/spool/nullmailer",
                "/usr/sbin/sendmail -f alice@client.test " + String.join(" ", rcpts) + " < " + w.dir.resolve("msg"),
                "cd /var/spool/nullmailer",
                "exec /usr/sbin/nullmailer-send",
                "");
        Files2.write(w.dir.resolve("nm.sh"), script);
        try {
            Files.write(w.dir.resolve("msg"), message);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return w.run(List.of("unshare", "-m", "sh", w.dir.resolve("nm.sh").toString()), null, Map.of(),
                Duration.ofSeconds(120));
    }

    /** Runs nullmailer-send once more on what is in its queue (no new message). */
    Proc.Result sendAgain() {
        return w.run(List.of("unshare", "-m", "sh", "-c", "sed -i '/sendmail -f/d' " + w.dir.resolve("nm.sh")
                + " && sh " + w.dir.resolve("nm.sh")), null, Map.of(), Duration.ofSeconds(120));
    }

    long count(String sub) {
        try (Stream<Path> s = Files.list(nm.resolve("spool").resolve(sub))) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void delivered() {
        byte[] msg = World.message("alice@client.test", "bob@example.org", "nullmailer");
        Proc.Result r = injectAndSend(msg, "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("Sent file."), r::toString);
        assertEquals(0, count("queue"));
        List<RecordingSendmail.Call> calls = w.calls();
        assertEquals(1, calls.size());
        assertEquals(List.of("-oi", "-f", "alice@client.test", "--", "bob@example.org"), calls.get(0).argv());
        String got = calls.get(0).text();
        // nullmailer-inject adds its Received line; the message itself follows unchanged
        assertTrue(got.startsWith("Received: (nullmailer pid"), got);
        assertTrue(got.endsWith(new String(msg, java.nio.charset.StandardCharsets.UTF_8).substring(
                new String(msg, java.nio.charset.StandardCharsets.UTF_8).indexOf("\n\n"))), got);
    }

    @Test
    void temporaryFailureStaysInNullmailersQueue() {
        w.stubExit(75);
        Proc.Result r = injectAndSend(World.message("alice@client.test", "bob@example.org", "temp"), "bob@example.org");
        assertTrue(r.out().contains("Sending failed"), r::toString);
        assertEquals(1, count("queue"));
        assertEquals(0, count("failed"));
    }

    @Test
    void relayDownIsTemporaryToo() {
        w.stopSshd();
        Proc.Result r = injectAndSend(World.message("alice@client.test", "bob@example.org", "down"), "bob@example.org");
        assertTrue(r.out().contains("Sending failed"), r::toString);
        assertEquals(1, count("queue"));
        assertEquals(0, count("failed"));
    }

    @Test
    void permanentRefusalGoesToFailed() {
        w.relayPolicy("senders @elsewhere.example\n");
        Proc.Result r = injectAndSend(World.message("alice@client.test", "bob@example.org", "perm"), "bob@example.org");
        assertTrue(r.out().contains("Sending failed"), r::toString);
        assertEquals(1, count("failed"), r::toString);
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void theSameMessageBytesReachTheRelayAsNullmailerQueuedThem() throws Exception {
        byte[] msg = World.message("alice@client.test", "bob@example.org", "bytes");
        w.stubExit(75);
        injectAndSend(msg, "bob@example.org");
        Path queued;
        try (Stream<Path> s = Files.list(nm.resolve("spool/queue"))) {
            queued = s.findFirst().orElseThrow();
        }
        byte[] file = Files.readAllBytes(queued);
        w.stubExit(0);
        w.clearCalls();
        Proc.Result r = sendAgain();
        assertEquals(0, r.exit(), r::toString);
        String s = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int body = s.indexOf("\n\n") + 2; // after the envelope
        assertArrayEquals(java.util.Arrays.copyOfRange(file, body, file.length), w.calls().get(0).stdin());
    }

    @Test
    void channelCutInsideTheMessageStaysQueuedAndIsDeliveredOnceLater() {
        RelayCuts.insideData(w);
        Proc.Result r = injectAndSend(World.message("alice@client.test", "bob@example.org", "cut"), "bob@example.org");
        assertTrue(r.out().contains("Sending failed"), r::toString);
        assertEquals(1, count("queue"));
        assertTrue(w.calls().isEmpty(), "nothing handed over: " + w.calls());
        Proc.Result again = sendAgain();
        assertEquals(0, again.exit(), again::toString);
        assertEquals(0, count("queue"));
        assertEquals(0, count("failed"));
        assertEquals(1, w.calls().size(), w.calls()::toString);
    }

    @Test
    void lostAcknowledgementIsRetriedAndNotHandedOverTwice() throws IOException {
        RelayCuts.afterData(w);
        Proc.Result r = injectAndSend(World.message("alice@client.test", "bob@example.org", "ack lost"), "bob@example.org");
        assertTrue(r.out().contains("Sending failed"), r::toString);
        assertEquals(1, count("queue"));
        assertEquals(1, w.calls().size(), "the relay took it");
        String name;
        try (Stream<Path> s = Files.list(nm.resolve("spool/queue"))) {
            name = s.findFirst().orElseThrow().getFileName().toString();
        }
        Proc.Result again = sendAgain();
        assertEquals(0, again.exit(), again::toString);
        assertEquals(0, count("queue"));
        assertEquals(1, w.calls().size(), "handed over once only: " + w.calls());
        String relay = RelayCuts.relayLog(w);
        assertEquals(1, relay.lines().filter(l -> l.contains("status=duplicate")).count(), relay);
        // the ENVID: this machine's tag and nullmailer's queue file name, the same on both tries
        List<String> tries = relay.lines().filter(l -> l.contains(" envid=nullmailer.")).toList();
        assertEquals(2, tries.size(), relay);
        assertTrue(tries.stream().allMatch(l -> l.contains("." + name + " ")), name + "\n" + relay);
    }
}
