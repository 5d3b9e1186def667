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
import java.util.stream.Stream;
import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Outcomes read strictly against a broken or hostile relay behind real OpenSSH: what it says is
 * never taken as delivery unless it is one, it cannot hold a queue run past command_timeout, and
 * only a definite "unknown option" makes it a plain-mode relay. The mail always stays queued.
 */
class HostileRelayIT {
    static final String ALICE = BatchIT.ALICE;
    static final String BOB = BatchIT.BOB;

    @AutoClose
    final World w = new World();

    /**
     * A scripted LMTP "relay" for {@code --lmtp}; any other command runs the real relay. MODE: data250
     * answers 250 to DATA; endless answers LHLO with continuation lines forever; trickle sends one
     * continuation line a second to MAIL; exit75 / exit78 / crash refuse the way the relay would
     * when broken, not when unsupported.
     */
    private void hostile(String mode) {
        Path script = Files2.writeExecutable(w.dir.resolve("hostile.py"), """
                #!/usr/bin/python3
                import os, sys, time
                cmd = os.environ.get("SSH_ORIGINAL_COMMAND", "")
                if "--lmtp" not in cmd:  # plain mode was tried: leave a mark, hand nothing on
                    open(sys.argv[2], "a").write(cmd + "\\n"); sys.exit(75)
                mode = sys.argv[1]
                out = sys.stdout
                def say(s):
                    out.write(s + "\\r\\n"); out.flush()
                if mode == "exit75":
                    sys.stderr.write("4.3.0 state directory unusable\\n"); sys.exit(75)
                if mode == "exit78":
                    sys.stderr.write("4.3.5 config broken\\n"); sys.exit(78)
                if mode == "crash":
                    os.kill(os.getpid(), 9)
                say("220 hostile LMTP")
                sys.stdin.readline()
                if mode == "endless":
                    while True:
                        say("250-x")
                say("250-hostile")
                say("250 PIPELINING")
                for line in sys.stdin:
                    if mode == "trickle":
                        while True:
                            say("250-x"); time.sleep(1)
                    if line.startswith("QUIT"):
                        say("221 bye"); break
                    say("250 2.0.0 ok")
                """);
        w.forceCommand(script + " " + mode + " " + plainTried());
    }

    private Path plainTried() {
        return w.dir.resolve("plain-tried");
    }

    private void send() {
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "hostile"), "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
    }

    private List<String> queued() {
        try (Stream<Path> s = Files.list(w.queue.resolve("queue"))) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String modes() {
        Path f = w.queue.resolve("relay-modes");
        return Files.exists(f) ? Files2.read(f) : "";
    }

    @Test
    void a250ToDataIsAProtocolErrorNotADelivery() {
        w.clientConfig("background no\n");
        hostile("data250");
        send();
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(75, q.exit(), q::toString);
        assertEquals(1, queued().size(), w.clientLog());
        assertTrue(w.clientLog().contains("in reply to DATA") && w.clientLog().contains("status=deferred"), w.clientLog());
        assertFalse(w.clientLog().contains("status=sent"), w.clientLog());
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void brokenLmtpRelaysAreNotTakenForPlainOnes() {
        for (String mode : List.of("exit75", "exit78", "crash")) {
            w.clientConfig("background no\n");
            hostile(mode);
            send();
            Proc.Result q = w.sshsendmail(null, "-q");
            assertEquals(75, q.exit(), q::toString);
            assertFalse(modes().contains(" plain "), mode + ": " + modes());
            assertFalse(Files.exists(plainTried()), mode + ": plain mode was tried " + w.clientLog());
            assertFalse(queued().isEmpty(), mode);
            assertTrue(w.clientLog().contains("cannot open an LMTP session"), w.clientLog());
        }
    }

    @Test
    void endlessRepliesEndInADeferralAndTrickledOnesAtTheDeadline() {
        w.clientConfig("background no\n");
        Files2.write(w.clientConf, Files2.read(w.clientConf).replace("command_timeout 20s", "command_timeout 3s"));
        hostile("endless");
        send();
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(75, q.exit(), q::toString);
        assertEquals(1, queued().size());
        assertTrue(w.clientLog().contains("reply longer than"), w.clientLog());

        hostile("trickle");
        send(); // -q tries both: each is cut at the deadline
        long t0 = System.nanoTime();
        Proc.Result q2 = w.sshsendmail(null, "-q");
        assertEquals(75, q2.exit(), q2::toString);
        // bounded by command_timeout (3s) per message, not by the relay's endless trickle
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30, w.clientLog());
        assertEquals(2, queued().size());
        assertTrue(w.clientLog().contains("did not finish the transaction within 3s"), w.clientLog());
    }

    @Test
    void aPlainRelayThatExitsZeroWithoutReadingHasNotDelivered() {
        w.clientConfig("background no\nbatch no\n");
        Path script = Files2.writeExecutable(w.dir.resolve("lazy.sh"), "#!/bin/sh\nexit 0\n");
        w.forceCommand(script.toString());
        StringBuilder b = new StringBuilder("From: <" + ALICE + ">\nTo: <" + BOB + ">\nSubject: big\n\n");
        while (b.length() < 5 << 20) {
            b.append("x".repeat(70)).append('\n');
        }
        Proc.Result r = w.sshsendmail(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), "-i", "-f",
                ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(75, q.exit(), q::toString);
        assertEquals(1, queued().size(), w.clientLog());
        assertTrue(w.clientLog().contains("before reading the whole message"), w.clientLog());
        assertFalse(w.clientLog().contains("status=sent"), w.clientLog());
    }
}
