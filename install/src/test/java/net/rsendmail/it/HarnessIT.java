package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the test harness itself, without the relay: the private sshd passes the client's command
 * verbatim in SSH_ORIGINAL_COMMAND and stdin, stdout and the exit code through; the private Postfix
 * delivers through its sendmail and leaves the message intact after its own added header fields.
 */
class HarnessIT {

    static PrivateSshd sshd;
    static PrivatePostfix postfix;
    static Path work;

    @BeforeAll
    static void start() {
        sshd = PrivateSshd.start();
        work = Files2.tempDir("it-harness");
    }

    @AfterAll
    static void stop() {
        if (postfix != null) {
            postfix.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        Files2.deleteTree(work);
    }

    /** One Postfix for the tests that need it (skipped when not root). */
    static PrivatePostfix postfix() {
        if (postfix == null) {
            postfix = PrivatePostfix.start();
        }
        postfix.awaitIdle(Duration.ofSeconds(30));
        postfix.clear();
        return postfix;
    }

    @Test
    void forcedCommandSeesTheClientsCommandVerbatim() {
        Path script = Files2.writeExecutable(work.resolve("show.sh"), "#!/bin/sh\n"
                + "printf '%s' \"$SSH_ORIGINAL_COMMAND\" | od -An -c | tr -s ' \\n' ' '\n"
                + "printf '\\n'\n"
                + "wc -c | tr -d ' '\n"
                + "echo to-stderr >&2\n"
                + "exit 7\n");
        PrivateSshd.ClientKey key = sshd.addKey("show", PrivateSshd.forcedCommand(script.toString()));
        String cmd = "rsendmail -f 'a b' \"c\" $(id)\n;x";
        Proc.Result r = sshd.ssh(key, cmd, "12345".getBytes(StandardCharsets.US_ASCII));
        assertEquals(7, r.exit(), r::toString);
        String[] lines = r.out().split("\n");
        assertEquals(" r s e n d m a i l - f ' a b ' \" c \" $ ( i d ) \\n ; x ", lines[0], r::toString);
        assertEquals("5", lines[1], r::toString);
        assertEquals(List.of("to-stderr"), r.errLines(), r::toString);
    }

    @Test
    void forcedCommandHidesTheClientsCommand() {
        Path marker = work.resolve("marker");
        PrivateSshd.ClientKey key = sshd.addKey("true", PrivateSshd.forcedCommand("/bin/true"));
        Proc.Result r = sshd.ssh(key, "touch " + marker, new byte[0]);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(!marker.toFile().exists(), "the client's command ran");
    }

    @Test
    void postfixDeliversTwoRecipientsIntact() {
        {
            PrivatePostfix postfix = postfix();
            byte[] message = Messages.plain("alice@example.org", "bob@example.org", "harness");
            Proc.Result r = Proc.run(List.of(postfix.sendmail().toString(), "-oi", "-f", "alice@example.org", "--",
                    "bob@example.org", "carol@example.net"), message, Duration.ofSeconds(30), Map.of(), work);
            assertEquals(0, r.exit(), r::toString);
            List<PrivatePostfix.Delivered> got = postfix.awaitMessages(2, Duration.ofSeconds(30));
            assertEquals(2, got.size());
            assertEquals("bob@example.org", got.get(0).deliveredTo());
            assertEquals("carol@example.net", got.get(1).deliveredTo());
            for (PrivatePostfix.Delivered d : got) {
                assertEquals("<alice@example.org>", d.returnPath());
                assertArrayEquals(message, d.original(), () -> "delivered:\n" + new String(d.raw(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void sshdIntoPostfixWithoutTheRelay() {
        {
            PrivatePostfix postfix = postfix();
            PrivateSshd.ClientKey key = sshd.addKey("direct", PrivateSshd.forcedCommand(
                    postfix.sendmail() + " -oi -f alice@example.org -- dave@example.org"));
            byte[] message = Messages.plain("alice@example.org", "dave@example.org", "through sshd");
            Proc.Result r = sshd.ssh(key, "ignored", message);
            assertEquals(0, r.exit(), r::toString);
            List<PrivatePostfix.Delivered> got = postfix.awaitMessages(1, Duration.ofSeconds(30));
            assertEquals(1, got.size());
            assertEquals("dave@example.org", got.get(0).deliveredTo());
            assertArrayEquals(message, got.get(0).original());
        }
    }

    @Test
    void recordingSendmailRecords() {
        RecordingSendmail stub = new RecordingSendmail(work.resolve("stub"));
        stub.exitCode(75);
        Proc.Result r = Proc.run(List.of(stub.path().toString(), "-oi", "-f", "a b", "--", ""),
                "data\n".getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10), Map.of(), work);
        assertEquals(75, r.exit(), r::toString);
        List<RecordingSendmail.Call> calls = stub.calls();
        assertEquals(1, calls.size());
        assertEquals(List.of("-oi", "-f", "a b", "--", ""), calls.get(0).argv());
        assertEquals("data\n", calls.get(0).text());
        stub.clear();
        assertEquals(0, stub.calls().size());
    }
}
