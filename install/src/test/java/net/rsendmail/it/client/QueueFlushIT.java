package net.rsendmail.it.client;

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
import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Deferred mail goes out by itself, and {@code -q} flushes like {@code postqueue -f}: real OpenSSH
 * sshd (stopped and restarted on its port for an outage), the dist rsendmail and sshsendmail, a
 * recording sendmail behind the relay.
 */
class QueueFlushIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    @AutoClose
    final World w = new World();

    private List<String> queued() {
        try (Stream<Path> s = Files.list(w.queue.resolve("queue"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<String> subjects() {
        return w.calls().stream().map(c -> c.text().lines().filter(l -> l.startsWith("Subject: ")).findFirst()
                .orElse("")).sorted().toList();
    }

    private long logLines(String containing) {
        return w.clientLog().lines().filter(l -> l.contains(containing)).count();
    }

    @Test
    void deferredMailGoesOutByItselfOnceTheRelayIsBackAndTheRunnerThenLeaves() {
        w.clientConfig("retry_min 2s\nretry_max 2s\n");
        w.stopSshd();
        w.enqueue(ALICE, "outage 1", BOB);
        Wait.until(() -> logLines("status=deferred") >= 1, Duration.ofSeconds(30), w::clientLog);
        assertEquals(1, w.runners().size(), "the runner stays while mail waits");
        w.enqueue(ALICE, "outage 2", BOB); // the staying runner takes it: no second runner
        assertEquals(1, w.runners().size(), () -> w.runners().stream().map(Proc::commandLine).toList().toString());

        w.restartSshd();
        long t0 = System.nanoTime();
        // retry_min 2s (+20 % jitter) and the run itself: no command from us
        w.awaitCalls(2, Duration.ofSeconds(15));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("deferred mail out %d ms after the relay came back%n", ms);
        assertEquals(List.of("Subject: outage 1", "Subject: outage 2"), subjects());
        w.awaitOwnGone(Duration.ofSeconds(20)); // nothing waits: the runner has left
        assertTrue(queued().isEmpty(), queued()::toString);
    }

    @Test
    void minusQAfterAnOutageDeliversEverythingAtOnceAndSaysSoOnATerminal() {
        w.clientConfig("background no\nretry_min 1h\nretry_max 2h\n");
        w.stopSshd();
        for (int i = 1; i <= 3; i++) {
            w.enqueue(ALICE, "backlog " + i, BOB);
        }
        Proc.Result down = w.sshsendmail(null, "-q");
        assertEquals(75, down.exit(), down::toString);
        assertEquals("", down.out() + down.err(), "no terminal: the exit code and the log say it");
        assertEquals(3, logLines("status=deferred"), w.clientLog());
        String bp = w.sshsendmail(null, "-bp").out();
        // not due for about an hour (retry_min 1h, ±20 % jitter)
        assertEquals(3, bp.lines().filter(l -> l.matches(".*, next try in (4[7-9]|[5-6][0-9]|7[0-2])m: .*")).count(), bp);

        w.restartSshd();
        Proc.Result up = onATerminal("-q");
        assertEquals(0, up.exit(), up::toString);
        assertTrue(up.out().contains("sshsendmail: 3 delivered, 0 deferred, 0 bounced"), up::toString);
        assertEquals(List.of("Subject: backlog 1", "Subject: backlog 2", "Subject: backlog 3"), subjects());
        assertTrue(w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"));

        w.stopSshd();
        w.enqueue(ALICE, "again", BOB);
        Proc.Result again = onATerminal("-q");
        assertEquals(75, again.exit(), again::toString);
        assertTrue(again.out().contains("sshsendmail: 0 delivered, 1 deferred (next try in "), again::toString);
    }

    /** {@code sshsendmail ARG} with stdin, stdout and stderr on a pseudo-terminal (script(1)); its output in out(). */
    private Proc.Result onATerminal(String arg) {
        return w.run(List.of("/usr/bin/script", "-q", "-e", "-c", w.sshsendmail() + " " + arg, "/dev/null"), null,
                Map.of("SSHSENDMAIL_CONF", w.clientConf.toString()), Duration.ofSeconds(60));
    }

    @Test
    void minusQIDeliversOnlyTheSelectedMessage() {
        w.clientConfig("background no\n");
        w.enqueue(ALICE, "first", BOB);
        w.enqueue(ALICE, "second", BOB);
        w.enqueue(ALICE, "third", "carol@example.net");
        List<String> ids = queued();
        assertEquals(3, ids.size());
        // the end of the first id: its random part, in capitals (matching ignores case)
        Proc.Result one = w.sshsendmail(null, "-qI" + ids.get(0).substring(30).toUpperCase());
        assertEquals(0, one.exit(), one::toString);
        assertEquals(List.of("Subject: first"), subjects());
        assertEquals(ids.subList(1, 3), queued());

        Proc.Result carol = w.sshsendmail(null, "-qRcarol@");
        assertEquals(0, carol.exit(), carol::toString);
        assertEquals(List.of("Subject: first", "Subject: third"), subjects());
        Proc.Result nobody = w.sshsendmail(null, "-qSnobody@");
        assertEquals(0, nobody.exit(), nobody::toString);
        assertEquals(List.of(ids.get(1)), queued());

        for (String hostile : List.of("-qI", "-qI../" + ids.get(1), "-qI$(touch x)", "-qR")) {
            Proc.Result r = w.sshsendmail(null, hostile);
            assertEquals(64, r.exit(), r::toString);
            List<String> lines = r.err().lines().toList();
            assertEquals(2, lines.size(), "one line, then the usage line: " + r);
            assertTrue(lines.get(0).startsWith("sshsendmail: 5.5.4 ") && lines.get(1).startsWith("usage: "), r::toString);
        }
        assertEquals(List.of(ids.get(1)), queued());
        assertEquals(2, w.calls().size());
    }

    @Test
    void minusQFlushesWhileTheDaemonSleeps() throws Exception {
        w.clientConfig("retry_min 1h\nretry_max 2h\n");
        Process d = w.startDaemon();
        try {
            w.stopSshd();
            w.enqueue(ALICE, "while the daemon sleeps", BOB);
            Wait.until(() -> logLines("status=deferred") >= 1, Duration.ofSeconds(30), w::clientLog);
            w.restartSshd();
            long t0 = System.nanoTime();
            Proc.Result q = w.sshsendmail(null, "-q");
            assertEquals(0, q.exit(), q::toString);
            assertEquals(List.of("Subject: while the daemon sleeps"), subjects());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(30).toNanos(), "-q did not wait for the daemon");
        } finally {
            d.destroy(); // SIGTERM
            assertTrue(d.waitFor(30, TimeUnit.SECONDS), "daemon did not stop");
        }
    }

    @Test
    void aDaemonStartingWhileARunnerStaysTakesOver() throws Exception {
        w.clientConfig("retry_min 1h\nretry_max 2h\n");
        w.stopSshd();
        w.enqueue(ALICE, "runner, then daemon", BOB);
        Wait.until(() -> logLines("status=deferred") >= 1, Duration.ofSeconds(30), w::clientLog);
        List<ProcessHandle> runner = w.runners();
        assertEquals(1, runner.size());
        Process d = w.startDaemon();
        try {
            assertTrue(runner.get(0).onExit().get(20, TimeUnit.SECONDS) != null, "the runner leaves");
            assertTrue(d.isAlive(), () -> Files2.read(w.dir.resolve("daemon.err")));
            w.restartSshd();
            w.enqueue(ALICE, "to the daemon", BOB); // at once, by the daemon: no runner is started
            assertTrue(w.runners().isEmpty());
            w.awaitCalls(1, Duration.ofSeconds(20));
            assertEquals(List.of("Subject: to the daemon"), subjects());
        } finally {
            d.destroy(); // SIGTERM
            assertTrue(d.waitFor(30, TimeUnit.SECONDS), "daemon did not stop");
        }
    }

    @Test
    void theNetworkDispatcherScriptFlushesTheQueueWhenALinkComesUp() {
        w.clientConfig("background no\nretry_min 1h\nretry_max 2h\n");
        Path script = Files2.writeExecutable(w.dir.resolve("90-sshsendmail"),
                Files2.read(w.dist.resolve("etc/nm-dispatcher-90-sshsendmail"))
                        .replace("sshsendmail=/opt/rsendmail/bin/sshsendmail", "sshsendmail=" + w.sshsendmail()));
        w.stopSshd();
        w.enqueue(ALICE, "after the link", BOB);
        assertEquals(75, w.sshsendmail(null, "-q").exit());
        w.restartSshd();
        Map<String, String> env = Map.of("SSHSENDMAIL_CONF", w.clientConf.toString());

        Proc.Result down = w.run(List.of(script.toString(), "eth0", "down"), null, env, Duration.ofSeconds(10));
        assertEquals(0, down.exit(), down::toString);
        Proc.Result noFull = w.run(List.of(script.toString(), "eth0", "connectivity-change"), null,
                Map.of("SSHSENDMAIL_CONF", w.clientConf.toString(), "CONNECTIVITY_STATE", "LIMITED"), Duration.ofSeconds(10));
        assertEquals(0, noFull.exit(), noFull::toString);
        assertTrue(w.runners().isEmpty() && queued().size() == 1, "nothing started for down or limited connectivity");

        Path injected = w.dir.resolve("injected");
        Proc.Result up = w.run(List.of(script.toString(), "eth0;touch " + injected + ";$(touch " + injected + ")", "up"),
                null, env, Duration.ofSeconds(10));
        assertEquals(0, up.exit(), up::toString);
        assertEquals("", up.out() + up.err());
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        assertEquals(List.of("Subject: after the link"), subjects(), calls::toString);
        w.awaitOwnGone(Duration.ofSeconds(30)); // the detached -q
        assertTrue(queued().isEmpty(), queued()::toString);
        assertFalse(Files.exists(injected), "the interface name reached a shell");
    }
}
