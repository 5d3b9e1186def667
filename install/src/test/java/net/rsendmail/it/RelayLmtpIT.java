package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code rsendmail --lmtp} behind a real {@code restrict,command=} key: swaks (an independent LMTP
 * client) through the real ssh client into Postfix, several recipients and dotted lines; a stream
 * cut inside DATA and a relay killed inside DATA hand nothing over. (RelayDeliveryIT has the
 * ENVID retry.)
 */
class RelayLmtpIT {
    static PrivateSshd sshd;
    static PrivatePostfix postfix;
    static Path work;
    static RecordingSendmail stub;
    static Path stubConfig;
    static PrivateSshd.ClientKey toPostfix;
    static PrivateSshd.ClientKey toStub;

    @BeforeAll
    static void start() throws IOException {
        postfix = PrivatePostfix.start(); // skips the class when not root
        sshd = PrivateSshd.start();
        work = Files2.tempDir("it-lmtp");
        Files.createDirectories(work.resolve("state"));
        Files.createDirectories(work.resolve("state-stub"));
        Path config = new RelayConfig()
                .set("sendmail", postfix.sendmail())
                .set("log", work.resolve("relay.log"))
                .set("state_dir", work.resolve("state"))
                .set("spool_dir", work)
                .policy("batch", "senders @example.org", "recipients @example.org @example.net")
                .write(work.resolve("relay.conf"));
        stub = new RecordingSendmail(work.resolve("stub"));
        stubConfig = new RelayConfig()
                .set("sendmail", stub.path())
                .set("log", work.resolve("stub.log"))
                .set("state_dir", work.resolve("state-stub"))
                .set("spool_dir", work)
                .policy("batch", "senders @example.org")
                .write(work.resolve("stub-relay.conf"));
        toPostfix = sshd.addKey("lmtp-postfix", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + config + " --policy batch"));
        toStub = sshd.addKey("lmtp-stub", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + stubConfig + " --policy batch"));
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
        if (postfix != null) {
            postfix.close();
        }
        Files2.deleteTree(work);
    }

    @BeforeEach
    void clean() {
        postfix.awaitIdle(Duration.ofSeconds(30));
        postfix.clear();
    }

    /** The ssh command line as one shell string, for swaks --pipe. */
    private static String pipeCommand(PrivateSshd.ClientKey key) {
        List<String> words = new ArrayList<>(sshd.sshCommand(key));
        words.add("rsendmail --lmtp");
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            b.append(b.length() == 0 ? "" : " ").append('\'').append(w.replace("'", "'\\''")).append('\'');
        }
        return b.toString();
    }

    @Test
    void swaksDeliversSeveralRecipientsAndDottedLines() throws IOException {
        Path data = work.resolve("swaks-data");
        String body = "From: a@example.org\nTo: b@example.org\nSubject: lmtp dots\nDate: Sun, 22 Nov 2026 10:00:00 +0000\n"
                + "Message-ID: <lmtp-dots@example.org>\n\n.leading dot\n..two dots\n.\nend\n";
        // swaks puts its own line end before the final dot: the file leaves out the last one.
        Files.writeString(data, body.substring(0, body.length() - 1));
        Proc.Result r = Proc.run(List.of("swaks", "--protocol", "LMTP", "--pipe", pipeCommand(toPostfix),
                "--from", "a@example.org", "--to", "b@example.org,c@example.net,d@example.org",
                "--data", "@" + data, "--timeout", "60"), new byte[0], Duration.ofSeconds(90), Map.of(), work);
        assertEquals(0, r.exit(), r::toString);
        String transcript = r.out();
        assertEquals(3, transcript.split("<-  250 2\\.0\\.0 delivered to relay MTA", -1).length - 1, transcript);
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(3, Duration.ofSeconds(30));
        assertEquals(List.of("b@example.org", "c@example.net", "d@example.org"),
                got.stream().map(PrivatePostfix.Delivered::deliveredTo).sorted().toList());
        for (PrivatePostfix.Delivered d : got) {
            assertEquals("<a@example.org>", d.returnPath());
            assertEquals(body, new String(d.original(), StandardCharsets.UTF_8), "dot-stuffing undone, nothing else changed");
        }
    }

    @Test
    void streamCutInsideDataHandsNothingOver() {
        int before = stub.calls().size();
        String partial = "LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: cut\r\n\r\nhalf a message";
        Proc.Result r = sshd.ssh(toStub, "rsendmail --lmtp", partial.getBytes(StandardCharsets.US_ASCII));
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().contains("354 "), r.out());
        assertEquals(before, stub.calls().size(), "nothing handed over");
    }

    @Test
    void relayKilledInsideDataHandsNothingOver() throws Exception {
        int before = stub.calls().size();
        List<String> cmd = new ArrayList<>(sshd.sshCommand(toStub));
        cmd.add("rsendmail --lmtp");
        Process ssh = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        OutputStream in = ssh.getOutputStream();
        in.write("LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: killed\r\n\r\nfirst line\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        in.flush();
        // inside DATA once it has answered 354 (the message is open, not ended)
        CompletableFuture<Boolean> inData = CompletableFuture.supplyAsync(() -> new BufferedReader(
                new InputStreamReader(ssh.getInputStream(), StandardCharsets.US_ASCII)).lines()
                .anyMatch(l -> l.startsWith("354 ")));
        assertTrue(inData.get(20, TimeUnit.SECONDS), "the relay answered DATA with 354");
        ProcessHandle relay = awaitRelay(Duration.ofSeconds(20));
        relay.destroyForcibly();
        assertTrue(ssh.waitFor(20, TimeUnit.SECONDS), "ssh ends when the relay dies");
        assertNotEquals(0, ssh.exitValue());
        assertEquals(before, stub.calls().size(), "nothing handed over");
    }

    /** The relay JVM serving the stub key (its command line names the stub config). */
    private static ProcessHandle awaitRelay(Duration timeout) {
        String config = "--config " + stubConfig;
        Wait.until(() -> !Proc.find(h -> isRelay(h, config)).isEmpty(), timeout, () -> "relay process did not show up");
        return Proc.find(h -> isRelay(h, config)).get(0);
    }

    private static boolean isRelay(ProcessHandle h, String config) {
        return h.info().command().orElse("").endsWith("/java") && Proc.commandLine(h).contains(config);
    }
}
