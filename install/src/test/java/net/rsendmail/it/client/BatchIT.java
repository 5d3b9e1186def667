package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Queue runs in batch mode (SPEC §2.5, §3.3): the backlog over one {@code rsendmail --lmtp}
 * channel, per-recipient outcomes, the stream cut inside DATA and before the relay's answer, a lost acknowledgement
 * (exactly once by ENVID), and the fallback to plain mode against the Python rsendmail. Real
 * OpenSSH sshd, the dist rsendmail, a recording sendmail.
 */
class BatchIT {
    static final String ALICE = "alice@example.org";
    static final String BOB = "bob@example.org";

    World w;

    @BeforeEach
    void start() {
        w = new World();
        w.clientConfig("background no\nretry_min 1s\nretry_max 1s\n");
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    private long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    private List<String> files(String sub) {
        try (Stream<Path> s = Files.list(w.queue.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void backlogDrainsOverOneLmtpChannel() {
        int n = 50;
        for (int i = 0; i < n; i++) {
            w.enqueue(ALICE, "backlog " + i, BOB);
        }
        assertTrue(w.calls().isEmpty());
        String sessionsBefore = w.sshdLog();
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(n, Duration.ofSeconds(30));
        assertEquals(n, calls.size());
        String log = w.relayLog();
        assertEquals(n, count(log, "mode=lmtp"), log);
        assertEquals(n, count(log, "status=sent"), log);
        String sessions = w.sshdLog().substring(sessionsBefore.length());
        assertEquals(1, count(sessions, "Accepted publickey"), sessions);
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
        assertTrue(Files2.read(w.queue.resolve("relay-modes")).contains("127.0.0.1:" + w.port + " lmtp "),
                Files2.read(w.queue.resolve("relay-modes")));
        assertEquals(n, count(w.clientLog(), "mode=lmtp"), w.clientLog());
    }

    @Test
    void mixedOutcomesInOneTransaction() throws Exception {
        w.relayPolicy("recipients @example.org\n");
        w.enqueue(ALICE, "mixed", BOB, "carol@example.net");
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(2, Duration.ofSeconds(20));
        assertEquals(2, calls.size(), "the message to bob, and the DSN to alice");
        RecordingSendmail.Call toBob = calls.stream().filter(c -> c.argv().contains(BOB)).findFirst().orElseThrow();
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB), toBob.argv());
        RecordingSendmail.Call dsn = calls.stream().filter(c -> c.argv().contains(ALICE) && c.argv().contains("<>")).findFirst()
                .orElseThrow(() -> new AssertionError(calls.toString()));
        assertEquals(List.of("-oi", "-f", "<>", "--", ALICE), dsn.argv());
        String report = dsn.text();
        assertTrue(report.contains("report-type=delivery-status"), report);
        assertTrue(report.contains("Final-Recipient: rfc822; carol@example.net"), report);
        assertTrue(report.contains("Status: 5.7.1"), report);
        assertTrue(!report.contains("Final-Recipient: rfc822; " + BOB), report);
        // nothing left to deliver: the original is kept in failed/ (as for every bounce), nothing queued
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
        assertTrue(files("claimed").isEmpty(), files("claimed")::toString);
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        assertEquals(2, w.calls().size(), "nothing sent again");
    }

    @Test
    void channelCutBeforeTheAnswerDeliversExactlyOnceLater() throws Exception {
        w.stubDelay(30);
        w.enqueue(ALICE, "cut", BOB);
        ProcessBuilder pb = new ProcessBuilder(w.sshsendmail().toString(), "-q")
                .redirectOutput(w.dir.resolve("cut.out").toFile()).redirectError(w.dir.resolve("cut.err").toFile());
        pb.environment().put("SSHSENDMAIL_CONF", w.clientConf.toString());
        Process p = pb.start();
        Wait.until(() -> w.stub.calls().stream().anyMatch(c -> !c.done()), Duration.ofSeconds(30),
                () -> "the relay never handed the message on\n" + w.relayLog() + w.clientLog());
        // the relay side dies before its answer: sshd's session, the relay and its sendmail
        w.sshdProcess().descendants().forEach(ProcessHandle::destroyForcibly);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(75, p.exitValue(), Files2.read(w.dir.resolve("cut.err")));
        assertTrue(w.calls().isEmpty(), "nothing was handed over");
        assertTrue(w.clientLog().contains("status=deferred") && w.clientLog().contains("4.4.2"), w.clientLog());
        assertEquals(1, files("queue").size(), "the message stays queued");
        w.stubDelay(0);
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(20));
        assertEquals(1, w.calls().size(), calls::toString);
        assertEquals(BOB, calls.get(0).argv().get(calls.get(0).argv().size() - 1));
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
    }

    @Test
    void lostAcknowledgementIsNotHandedOnTwice() {
        RelayCuts.afterData(w);
        w.enqueue(ALICE, "ack lost", BOB);
        Proc.Result first = w.sshsendmail(null, "-q");
        assertEquals(75, first.exit(), "deferred: " + first);
        assertEquals(1, w.calls().size(), "the relay took it");
        assertEquals(1, count(w.relayLog(), "status=sent"), w.relayLog());
        // the client never saw the 250: it keeps the message, and says what the relay last said
        assertEquals(1, files("queue").size(), files("queue")::toString);
        String bp = w.sshsendmail(null, "-bp").out();
        String relaySaid = w.relayLog().strip().lines().reduce((a, b) -> b).orElseThrow();
        for (String shown : List.of(bp, w.clientLog())) {
            assertTrue(shown.contains("4.4.2") && shown.contains("closed while waiting for a reply (last reply: 354 "),
                    shown);
            assertTrue(shown.contains("relay's stderr: " + relaySaid.substring(0, 40)), shown + "\n" + relaySaid);
            assertFalse(shown.contains("Exception"), shown);
        }
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        assertEquals(1, w.calls().size(), "handed on once only");
        assertEquals(1, count(w.relayLog(), "status=duplicate"), w.relayLog());
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
        assertTrue(files("claimed").isEmpty(), files("claimed")::toString);
        assertTrue(files("failed").isEmpty(), files("failed")::toString);
    }

    /**
     * Two relays, each with its own exactly-once record: the first is down, so the message goes to
     * the second, whose answer is lost; the first comes back before the runner's retry, which must
     * still go to the second (where the ENVID record is), else the message is handed over twice.
     */
    @Test
    void aLostAcknowledgementIsRetriedOnTheSameRelay() {
        Path first = Files2.tempDir("it-relay-first");
        Path firstConf = first.resolve("relay.conf");
        World.relayConfig(firstConf, w.stub.path(), first.resolve("relay.log"), first, "");
        try (PrivateSshd other = PrivateSshd.start(first)) {
            other.authorize(Path.of(w.clientKey + ".pub"),
                    PrivateSshd.forcedCommand(w.dist.resolve("bin/rsendmail") + " --config " + firstConf));
            Path knownHosts = Files2.write(w.dir.resolve("known_hosts.both"), Files2.read(w.knownHosts)
                    + Files2.read(other.knownHosts()));
            other.stop();
            // background yes: the runner retries, after its idle SSH session is closed
            w.clientConfig("retry_min 5s\nretry_max 5s\nidle_timeout 1s\n");
            Files2.write(w.clientConf, "relay " + w.user + "@127.0.0.1:" + other.port() + "\n"
                    + Files2.read(w.clientConf).replace("known_hosts " + w.knownHosts, "known_hosts " + knownHosts));
            RelayCuts.afterData(w);
            w.enqueue(ALICE, "two relays", BOB);
            Wait.until(() -> count(w.relayLog(), "status=sent") == 1 && w.clientLog().contains("status=deferred"),
                    Duration.ofSeconds(30), () -> w.relayLog() + w.clientLog());
            other.restart(); // the first relay is back before the retry
            // (the deferral line quotes the relay's "status=sent")
            Wait.until(() -> w.clientLog().contains("attempts=2 mode=lmtp status=sent"), Duration.ofSeconds(60),
                    () -> w.relayLog() + w.clientLog());
            assertTrue(files("queue").isEmpty(), files("queue")::toString);
            assertEquals(1, w.calls().size(), "handed over once only: " + w.calls());
            assertEquals(1, count(w.relayLog(), "status=duplicate"), w.relayLog() + w.clientLog());
            String firstLog = Files2.read(first.resolve("relay.log"));
            assertFalse(firstLog.contains("status="), "the first relay got no transaction: " + firstLog);
            w.awaitOwnGone(Duration.ofSeconds(30)); // the runner leaves with the queue empty
        } finally {
            Files2.deleteTree(first);
        }
    }

    @Test
    void pythonRsendmailGetsPlainMode() throws Exception {
        w.forceCommand("env PATH=" + w.stubDir + ":/usr/bin:/bin /usr/bin/rsendmail");
        w.enqueue(ALICE, "python 1", BOB);
        w.enqueue(ALICE, "python 2", BOB, "carol@example.net");
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(2, Duration.ofSeconds(20));
        assertEquals(2, calls.size());
        assertTrue(calls.get(1).argv().contains("carol@example.net"), calls.get(1).argv()::toString);
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
        String modes = Files2.read(w.queue.resolve("relay-modes"));
        assertTrue(modes.contains("127.0.0.1:" + w.port + " plain "), modes);
        assertTrue(w.clientLog().contains("does not speak LMTP"), w.clientLog());
        assertEquals(0, count(w.clientLog(), "mode=lmtp"), w.clientLog());
        // the next run does not probe again: one channel per message only
        String before = w.sshdLog();
        w.enqueue(ALICE, "python 3", BOB);
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        w.awaitCalls(3, Duration.ofSeconds(20));
        assertEquals(1, count(w.clientLog(), "does not speak LMTP"), w.clientLog());
        assertTrue(w.sshdLog().length() > before.length());
    }

    /** The relay's java under sshd (its session), or null. */
    private ProcessHandle relayJava() {
        ProcessHandle sshd = w.sshdProcess();
        return sshd.descendants().filter(h -> h.info().command().orElse("").endsWith("java")).findFirst().orElse(null);
    }

    /** Bytes of the relay's spool file (unlinked, seen through /proc), or -1 while there is none. */
    private static long spooled(ProcessHandle relay, Path spoolDir) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + relay.pid() + "/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(spoolDir.toString())) {
                        return Files.size(fd);
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    @Test
    void streamCutInsideDataHandsNothingOn() throws Exception {
        Path spool = Files.createDirectories(w.dir.resolve("spool"));
        Files2.write(w.relayConf, Files2.read(w.relayConf).replace("default_policy", "spool_dir " + spool
                + "\ndefault_policy"));
        StringBuilder b = new StringBuilder("From: <" + ALICE + ">\nTo: <" + BOB + ">\nSubject: big\n\n");
        String line = "x".repeat(70) + "\n";
        while (b.length() < 30 << 20) {
            b.append(line);
        }
        Proc.Result r = w.sshsendmail(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), "-i", "-f",
                ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        ProcessBuilder pb = new ProcessBuilder(w.sshsendmail().toString(), "-q")
                .redirectOutput(w.dir.resolve("cut.out").toFile()).redirectError(w.dir.resolve("cut.err").toFile());
        pb.environment().put("SSHSENDMAIL_CONF", w.clientConf.toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ProcessHandle relay = null;
        long seen = -1;
        while (System.nanoTime() < deadline && seen <= 0) {
            relay = relayJava();
            seen = relay == null ? -1 : spooled(relay, spool);
        }
        assertTrue(seen > 0, "the relay never spooled the message");
        // freeze the relay inside DATA, check that it is really inside, then kill it
        assertEquals(0, new ProcessBuilder("kill", "-STOP", String.valueOf(relay.pid())).start().waitFor());
        long frozen = relay.pid();
        Wait.until(() -> Files2.read(Path.of("/proc/" + frozen + "/stat")).matches("\\d+ \\(.*\\) T .*\\s*"),
                Duration.ofSeconds(10), () -> "relay " + frozen + " did not stop");
        long at = spooled(relay, spool);
        assertTrue(at > 0 && at < 29 << 20, "stopped inside DATA: " + at + " bytes spooled");
        relay.destroyForcibly();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(75, p.exitValue(), Files2.read(w.dir.resolve("cut.err")));
        assertTrue(w.calls().isEmpty(), "nothing was handed over");
        assertTrue(w.clientLog().contains("status=deferred") && w.clientLog().contains("4.4.2"), w.clientLog());
        assertEquals(1, files("queue").size(), "the message stays queued");
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        assertEquals(1, w.calls().size(), calls::toString);
        assertTrue(calls.get(0).stdin().length > 30 << 20);
        assertTrue(files("queue").isEmpty(), files("queue")::toString);
    }
}
