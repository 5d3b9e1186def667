package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay's own behaviour through a real forced-command key, with a recording stub as its
 * sendmail: the exact command line and stdin it hands on, exit-code mapping, the size limit,
 * -t, --version.
 */
class RelayBehaviourIT {

    static PrivateSshd sshd;
    static Path work;
    static RecordingSendmail stub;
    static PrivateSshd.ClientKey open;
    static PrivateSshd.ClientKey small;

    @BeforeAll
    static void start() throws IOException {
        sshd = PrivateSshd.start();
        work = Files2.tempDir("it-behaviour");
        stub = new RecordingSendmail(work.resolve("stub"));
        Files.createDirectories(work.resolve("state"));
        Path config = new RelayConfig()
                .set("sendmail", stub.path())
                .set("log", "none")
                .set("state_dir", work.resolve("state"))
                .set("spool_dir", work)
                .policy("open", "max_size 50M")
                .policy("small", "max_size 1K", "allow_t no", "max_recipients 2")
                .write(work.resolve("rsendmail.conf"));
        open = sshd.addKey("open", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + config + " --policy open"));
        small = sshd.addKey("small", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + config + " --policy small"));
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
        Files2.deleteTree(work);
    }

    @BeforeEach
    void clean() {
        stub.clear();
        stub.exitCode(0);
    }

    @Test
    void handsOnTheValidatedEnvelopeAfterDashDashAndTheMessageUnchanged() {
        byte[] message = Messages.plain("a@example.org", "b@example.org", "exact hand-over");
        Proc.Result r = sshd.ssh(open, "sendmail -i -v -odi -F 'A User' -fa@example.org b@example.org c@example.net", message);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out() + r.err());
        List<RecordingSendmail.Call> calls = stub.calls();
        assertEquals(1, calls.size());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.org", "c@example.net"), calls.get(0).argv());
        assertArrayEquals(message, calls.get(0).stdin());
        // a clean environment: nothing of the client's session (SSH_*, the client's command) leaks
        String env = calls.get(0).env();
        assertTrue(!env.contains("SSH_ORIGINAL_COMMAND") && !env.contains("SSH_CONNECTION"), env);
    }

    @Test
    void nullSender() {
        // Quoted, '<' and '>' are plain characters; unquoted they would be redirections and are refused.
        for (String form : List.of("'<>'", "\"<>\"", "''")) {
            stub.clear();
            Proc.Result r = sshd.ssh(open, "rsendmail -f " + form + " b@example.org",
                    Messages.plain("a@example.org", "b@example.org", "bounce"));
            assertEquals(0, r.exit(), r::toString);
            assertEquals(List.of("-oi", "-f", "<>", "--", "b@example.org"), stub.calls().get(0).argv(), form);
        }
    }

    @Test
    void dashTIsResolvedByTheRelayAndBccIsRemoved() {
        String text = "From: a@example.org\nTo: b@example.org\nBcc: hidden@example.net\nSubject: t\n\nbody\n";
        Proc.Result r = sshd.ssh(open, "rsendmail -t -f a@example.org", text.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, r.exit(), r::toString);
        RecordingSendmail.Call call = stub.calls().get(0);
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.org", "hidden@example.net"), call.argv());
        assertEquals("From: a@example.org\nTo: b@example.org\nSubject: t\n\nbody\n", call.text());
    }

    @Test
    void dashTRefusedByPolicy() {
        Proc.Result r = sshd.ssh(small, "rsendmail -t", "To: b@example.org\n\nx\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(77, r.exit(), r::toString);
        assertTrue(r.err().startsWith("5.7.1 "), r::toString);
        assertEquals(List.of(), stub.calls());
    }

    @Test
    void tooManyRecipients() {
        Proc.Result r = sshd.ssh(small, "rsendmail a@example.org b@example.org c@example.org", "x\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(77, r.exit(), r::toString);
        assertTrue(r.err().startsWith("5.5.3 "), r::toString);
        assertEquals(List.of(), stub.calls());
    }

    @Test
    void overTheSizeLimitIsRefusedAndNothingIsSent() {
        byte[] big = ("Subject: big\n\n" + "y".repeat(4096) + "\n").getBytes(StandardCharsets.US_ASCII);
        Proc.Result r = sshd.ssh(small, "rsendmail -f a@example.org b@example.org", big);
        assertEquals(69, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("5.3.4 "), r::toString);
        assertEquals(List.of(), stub.calls());
    }

    @Test
    void mtaExitCodesReachTheClient() {
        byte[] message = Messages.plain("a@example.org", "b@example.org", "mta failure");
        int[][] cases = {{75, 75}, {67, 67}, {69, 69}, {1, 75}, {2, 75}};
        for (int[] c : cases) {
            stub.exitCode(c[0]);
            Proc.Result r = sshd.ssh(open, "rsendmail -f a@example.org b@example.org", message);
            assertEquals(c[1], r.exit(), () -> "MTA exit " + c[0] + ": " + r);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.err().startsWith(c[1] == 75 ? "4." : "5."), r::toString);
        }
    }

    @Test
    void versionPrintsAndSendsNothing() {
        Proc.Result r = sshd.ssh(open, "rsendmail --version", new byte[0]);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("rsendmail "), r::toString);
        assertEquals(List.of(), stub.calls());
    }

    @Test
    void helpPrintsTheGrammarOverSshAndSendsNothing() {
        Proc.Result r = sshd.ssh(open, "rsendmail --help", "Subject: x\n\nhi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().startsWith("usage: rsendmail [options] [--] recipient ..."), r::toString);
        assertTrue(r.out().contains("--lmtp") && r.out().contains("Exit: 0 handed over"), r::toString);
        assertEquals(List.of(), stub.calls());
    }
}
