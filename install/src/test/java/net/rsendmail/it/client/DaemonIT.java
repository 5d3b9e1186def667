package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code sshsendmail --daemon} against real OpenSSH sshds and the dist rsendmail: it keeps one
 * connection and one {@code rsendmail --lmtp} channel while warm and closes both when idle;
 * SIGTERM ends it with 0 within 2 s and nothing left claimed, also in the middle of a slow
 * hand-over; SIGHUP switches it to the relay the configuration names now, and keeps the old
 * configuration when the new one is broken.
 */
class DaemonIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";
    /** SIGTERM to exit, with room for a JVM on a busy machine to start its shutdown. */
    static final Duration STOP = Duration.ofSeconds(2);

    @AutoClose
    final World w = new World();

    private long logLines(String containing) {
        return w.clientLog().lines().filter(l -> l.contains(containing)).count();
    }

    /** The relay JVMs under the first sshd: one per open {@code rsendmail --lmtp} channel. */
    private List<ProcessHandle> relayJvms() {
        return w.sshdProcess().descendants().filter(h -> h.info().command().orElse("").endsWith("java")).toList();
    }

    /** SIGTERM; the daemon must exit 0 within {@link #STOP}. */
    private void stop(Process d) throws InterruptedException {
        long t0 = System.nanoTime();
        d.destroy();
        boolean gone = d.waitFor(STOP.toMillis(), TimeUnit.MILLISECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (!gone) {
            d.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertTrue(gone, "daemon still running " + ms + " ms after SIGTERM\n" + w.clientLog());
        assertEquals(0, d.exitValue(), () -> "exit after SIGTERM\n" + Files2.read(w.dir.resolve("daemon.err")));
        assertEquals(List.of(), w.queueFiles("claimed"), "no claim left behind");
    }

    private void hangUp(Process d) {
        w.check("kill", "-HUP", String.valueOf(d.pid()));
    }

    @Test
    void keepsOneChannelWhileWarmAndClosesItWhenIdle() throws Exception {
        w.clientConfig("idle_timeout 3s\n");
        Process d = w.startDaemon();
        try {
            String sessionsBefore = w.sshdLog();
            int n = 5;
            ProcessHandle relay = null;
            for (int i = 1; i <= n; i++) {
                w.enqueue(ALICE, "warm " + i, BOB);
                w.awaitCalls(i, Duration.ofSeconds(20));
                List<ProcessHandle> jvms = relayJvms();
                assertEquals(1, jvms.size(), "one rsendmail --lmtp under sshd: " + jvms);
                if (relay == null) {
                    relay = jvms.get(0);
                }
                assertEquals(relay.pid(), jvms.get(0).pid(), "the same relay process for message " + i);
            }
            String sessions = w.sshdLog().substring(sessionsBefore.length());
            assertEquals(1, sessions.lines().filter(l -> l.contains("Accepted publickey")).count(), sessions);
            Wait.until(() -> logLines("mode=lmtp status=sent") == n, Duration.ofSeconds(20), w::clientLog);
            // idle_timeout without work: the daemon sends QUIT, the relay exits, the connection closes
            ProcessHandle warm = relay;
            assertTrue(warm.onExit().get(20, TimeUnit.SECONDS) != null);
            Wait.until(() -> w.sshdProcess().descendants().findAny().isEmpty(), Duration.ofSeconds(20),
                    () -> "sshd still has a session: " + w.sshdProcess().descendants().map(Proc::commandLine).toList());
            assertTrue(d.isAlive());
            // and the next message opens a new one
            w.enqueue(ALICE, "after idle", BOB);
            w.awaitCalls(n + 1, Duration.ofSeconds(20));
            Wait.until(() -> logLines("status=sent") == n + 1, Duration.ofSeconds(20), w::clientLog);
        } finally {
            stop(d);
        }
    }

    @Test
    void aRelayThatWentAwayIsReconnectedWithBackoffNotInALoop() throws Exception {
        w.clientConfig("retry_min 1s\nretry_max 2s\n");
        Process d = w.startDaemon();
        try {
            w.enqueue(ALICE, "before the outage", BOB);
            w.awaitCalls(1, Duration.ofSeconds(20));
            Wait.until(() -> logLines("status=sent") == 1, Duration.ofSeconds(20), w::clientLog); // its answer is in
            w.stopSshd(); // the kept channel and connection die with its sessions
            w.enqueue(ALICE, "during the outage", BOB);
            Wait.until(() -> logLines("status=deferred") >= 2, Duration.ofSeconds(30), w::clientLog);
            w.restartSshd();
            w.awaitCalls(2, Duration.ofSeconds(30));
            Wait.until(() -> logLines("status=sent") == 2, Duration.ofSeconds(20), w::clientLog);
            String sent = w.clientLog().lines().filter(l -> l.contains("status=sent")).toList().get(1);
            int attempts = Integer.parseInt(sent.replaceAll(".* attempts=(\\d+) .*", "$1"));
            // one try per retry_min..retry_max, not one per loop turn
            assertTrue(attempts >= 3 && attempts < 20, w::clientLog);
            assertEquals(List.of(), w.queueFiles("queue"));
        } finally {
            stop(d);
        }
    }

    @Test
    void sigtermWhileIdleExitsZeroWithinTwoSeconds() throws Exception {
        Process d = w.startDaemon();
        w.enqueue(ALICE, "before the stop", BOB);
        w.awaitCalls(1, Duration.ofSeconds(20));
        Wait.until(() -> logLines("status=sent") == 1, Duration.ofSeconds(20), w::clientLog);
        stop(d); // with its LMTP channel still open
        assertTrue(w.clientLog().contains("daemon stopped"), w.clientLog());
        assertEquals(List.of(), w.queueFiles("queue"));
    }

    @Test
    void sigtermDuringASlowHandOverLeavesTheMessageQueuedAndItIsDeliveredOnceLater() throws Exception {
        w.clientConfig("retry_min 1s\nretry_max 2s\n");
        w.stubDelay(5);
        Process d = w.startDaemon();
        try {
            w.enqueue(ALICE, "slow", BOB);
            Wait.until(() -> w.stub.calls().stream().anyMatch(c -> !c.done()), Duration.ofSeconds(20),
                    () -> "the relay never handed the message on\n" + w.clientLog());
        } finally {
            stop(d); // the relay's sendmail is still at work
        }
        assertTrue(w.clientLog().contains("the message stays queued as it was"), w.clientLog());
        assertEquals(1, w.queueFiles("queue").size(), "the message is back in the queue");
        w.stubDelay(0);
        Process again = w.startDaemon();
        try {
            Wait.until(() -> logLines("status=sent") >= 1, Duration.ofSeconds(40), w::clientLog);
            // the first hand-over, if the relay completed it, and the retry share one ENVID: one delivery
            Wait.until(() -> w.stub.calls().stream().allMatch(RecordingSendmail.Call::done)
                    || w.stub.calls().size() > 1, Duration.ofSeconds(20), () -> w.stub.calls().toString());
            assertEquals(1, w.calls().size(), () -> w.calls() + "\n" + w.clientLog());
            assertEquals(List.of(), w.queueFiles("queue"));
        } finally {
            stop(again);
        }
    }

    @Test
    void sighupSwitchesToTheRelayTheConfigurationNamesNow() throws Exception {
        RecordingSendmail second = new RecordingSendmail(w.dir.resolve("relay2/stub"));
        try (PrivateSshd other = w.secondRelay("relay2", second)) {
            Process d = w.startDaemon();
            try {
                w.enqueue(ALICE, "to the first", BOB);
                w.awaitCalls(1, Duration.ofSeconds(20));

                // a broken file: one line with file and line, the old configuration stays
                String good = Files2.read(w.clientConf);
                Files2.write(w.clientConf, good + "relya nowhere\n");
                hangUp(d);
                Wait.until(() -> logLines("SIGHUP: ") >= 1, Duration.ofSeconds(20), w::clientLog);
                String refused = w.clientLog().lines().filter(l -> l.contains("SIGHUP: ")).findFirst().orElseThrow();
                int badLine = (int) good.lines().count() + 1;
                assertTrue(refused.contains(w.clientConf + ":" + badLine + ": ") && refused.contains("relya")
                        && refused.contains("still using the configuration read before"), refused);
                Files2.write(w.clientConf, good); // (sendmail calls refuse the broken file too)
                w.enqueue(ALICE, "still to the first", BOB);
                w.awaitCalls(2, Duration.ofSeconds(20));

                w.clientConfig(other.port(), "");
                hangUp(d);
                Wait.until(() -> logLines("configuration reloaded") >= 1, Duration.ofSeconds(20), w::clientLog);
                w.enqueue(ALICE, "to the second", BOB);
                Wait.until(() -> second.completed().size() >= 1, Duration.ofSeconds(20), w::clientLog);
                assertTrue(second.completed().get(0).text().contains("Subject: to the second"));
                assertEquals(2, w.calls().size(), "nothing more through the first relay");
                assertTrue(d.isAlive());
            } finally {
                stop(d);
            }
        }
    }
}
