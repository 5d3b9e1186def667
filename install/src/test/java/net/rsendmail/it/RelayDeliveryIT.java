package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay end to end: the real ssh client, a private OpenSSH sshd with
 * {@code restrict,command="<dist>/bin/rsendmail --config CFG --policy P"} keys, and a private
 * Postfix behind the relay's {@code sendmail} setting, delivering into a Maildir.
 */
class RelayDeliveryIT {

    static PrivateSshd sshd;
    static PrivatePostfix postfix;
    static Path work;
    static Path log;
    static PrivateSshd.ClientKey laptop;
    static PrivateSshd.ClientKey strict;

    @BeforeAll
    static void start() {
        postfix = PrivatePostfix.start(); // skips the class when not root
        sshd = PrivateSshd.start();
        work = Files2.tempDir("it-relay");
        log = work.resolve("rsendmail.log");
        Path config = new RelayConfig()
                .set("sendmail", postfix.sendmail())
                .set("log", log)
                .set("state_dir", work.resolve("state"))
                .set("spool_dir", work.resolve("spool"))
                .set("default_policy", "strict")
                .policy("laptop",
                        "senders alice@example.org @example.net",
                        "header_from_match yes",
                        "recipients @example.org @example.net",
                        "max_size 1M",
                        "max_recipients 10",
                        "allow_t yes")
                .policy("strict",
                        "senders monitor@example.org",
                        "recipients @example.org",
                        "allow_t no")
                .write(work.resolve("rsendmail.conf"));
        mkdirs(work.resolve("state"), work.resolve("spool"));
        laptop = sshd.addKey("laptop", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + config + " --policy laptop"));
        strict = sshd.addKey("strict", PrivateSshd.forcedCommand(Dist.rsendmail() + " --config " + config));
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

    static void mkdirs(Path... dirs) {
        try {
            for (Path d : dirs) {
                Files.createDirectories(d);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> logLines() {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void validSendIsDeliveredIntactToBothRecipients() {
        byte[] message = Messages.plain("alice@example.org", "bob@example.org", "valid send");
        int logBefore = logLines().size();
        Proc.Result r = sshd.ssh(laptop, "rsendmail -oi -f alice@example.org -- bob@example.org carol@example.net", message);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out(), "nothing on stdout on success");
        assertEquals("", r.err(), "nothing on stderr on success");

        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(2, Duration.ofSeconds(30));
        assertEquals(2, got.size(), () -> "delivered: " + got);
        assertEquals("bob@example.org", got.get(0).deliveredTo());
        assertEquals("carol@example.net", got.get(1).deliveredTo());
        for (PrivatePostfix.Delivered d : got) {
            assertEquals("<alice@example.org>", d.returnPath(), "envelope sender");
            assertArrayEquals(message, d.original(),
                    () -> "not byte-identical:\n" + new String(d.raw(), StandardCharsets.UTF_8));
        }

        // (e) one request log line, in the configured file
        List<String> lines = logLines();
        assertEquals(logBefore + 1, lines.size(), () -> "log: " + lines);
        String line = lines.get(lines.size() - 1);
        assertTrue(line.contains("policy=laptop"), line);
        assertTrue(line.contains("from=<alice@example.org>"), line);
        assertTrue(line.contains("nrcpt=2"), line);
        assertTrue(line.contains("<bob@example.org>") && line.contains("<carol@example.net>"), line);
        assertTrue(line.contains("size=" + message.length), line);
        assertTrue(line.contains("status=sent"), line);
    }

    @Test
    void senderOutsideThePolicyIsRefusedWithNoPerm() {
        byte[] message = Messages.plain("mallory@evil.example", "bob@example.org", "refused sender");
        int logBefore = logLines().size();
        Proc.Result r = sshd.ssh(laptop, "rsendmail -f mallory@evil.example -- bob@example.org", message);
        assertEquals(77, r.exit(), r::toString);
        assertEquals("", r.out());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.errLines().get(0).startsWith("5.7.1 "), r::toString);
        assertTrue(r.errLines().get(0).contains("mallory@evil.example"), r::toString);
        assertTrue(postfix.awaitIdle(Duration.ofSeconds(10)).isEmpty(), "nothing delivered");

        List<String> lines = logLines();
        assertEquals(logBefore + 1, lines.size(), () -> "log: " + lines);
        assertTrue(lines.get(lines.size() - 1).contains("refused 77"), lines::toString);
    }

    @Test
    void headerFromOutsideThePolicyIsRefused() {
        byte[] message = Messages.plain("mallory@evil.example", "bob@example.org", "forged From");
        Proc.Result r = sshd.ssh(laptop, "rsendmail -f alice@example.org -- bob@example.org", message);
        assertEquals(77, r.exit(), r::toString);
        assertTrue(r.err().startsWith("5.7.1 "), r::toString);
        assertTrue(postfix.awaitIdle(Duration.ofSeconds(10)).isEmpty(), "nothing delivered");
    }

    @Test
    void recipientOutsideThePolicyOfTheDefaultPolicyIsRefused() {
        // the "strict" key's forced command names no policy: the config's default_policy applies
        byte[] message = Messages.plain("monitor@example.org", "ops@example.org", "default policy");
        Proc.Result r = sshd.ssh(strict, "sendmail -f monitor@example.org ops@example.org x@example.net", message);
        assertEquals(77, r.exit(), r::toString);
        assertTrue(r.err().startsWith("5.7.1 ") && r.err().contains("x@example.net"), r::toString);
        assertTrue(postfix.awaitIdle(Duration.ofSeconds(10)).isEmpty(), "nothing delivered");

        Proc.Result ok = sshd.ssh(strict, "/usr/sbin/sendmail -f monitor@example.org ops@example.org", message);
        assertEquals(0, ok.exit(), ok::toString);
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(1, Duration.ofSeconds(30));
        assertEquals("ops@example.org", got.get(0).deliveredTo());
        assertArrayEquals(message, got.get(0).original());
    }

    @Test
    void dashTTakesRecipientsFromHeadersAndDropsBcc() {
        String head = "From: Alice <alice@example.org>\n"
                + "To: Bob <bob@example.org>\n"
                + "Cc: carol@example.net\n";
        String bcc = "Bcc: dave@example.org,\n"
                + "  Erin <erin@example.net>\n";
        String rest = "Subject: with Bcc\n"
                + "Date: Thu, 01 Jan 2026 12:00:00 +0000\n"
                + "Message-ID: <bcc-test." + System.nanoTime() + "@example.org>\n"
                + "\n"
                + "Bcc: this line is in the body and stays\n"
                + ".\n"
                + "end\n";
        byte[] sent = (head + bcc + rest).getBytes(StandardCharsets.UTF_8);
        byte[] expected = (head + rest).getBytes(StandardCharsets.UTF_8);

        Proc.Result r = sshd.ssh(laptop, "rsendmail -t -oi -f alice@example.org", sent);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err());

        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(4, Duration.ofSeconds(30));
        assertEquals(List.of("bob@example.org", "carol@example.net", "dave@example.org", "erin@example.net"),
                got.stream().map(PrivatePostfix.Delivered::deliveredTo).toList());
        for (PrivatePostfix.Delivered d : got) {
            assertArrayEquals(expected, d.original(),
                    () -> "Bcc not removed exactly:\n" + new String(d.raw(), StandardCharsets.UTF_8));
            assertFalse(d.originalText().split("\n\n", 2)[0].toLowerCase().contains("bcc:"), d::toString);
        }
    }

    /** LF line ends as CRLF, for LMTP. */
    static byte[] crlf(byte[] lf) {
        return new String(lf, StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lmtpWithSwaksAsTheClient() {
        byte[] message = Messages.plain("alice@example.org", "bob@example.org", "swaks lmtp");
        // swaks ends the data with its own line end before the dot: the file leaves out the last one
        String text = new String(message, StandardCharsets.UTF_8);
        Path data = Files2.write(work.resolve("swaks-data.eml"), text.substring(0, text.length() - 1)).toAbsolutePath();
        List<String> ssh = sshd.sshCommand(laptop);
        ssh.add("rsendmail --lmtp");
        String pipe = String.join(" ", ssh.stream().map(Files2::shQuote).toList());
        Proc.Result r = Proc.run(List.of("/usr/bin/swaks", "--protocol", "LMTP", "--pipe", pipe,
                "--helo", "laptop.example.org", "--from", "alice@example.org",
                "--to", "bob@example.org,carol@example.net", "--data", data.toString()),
                null, Duration.ofSeconds(60), java.util.Map.of(), work);
        assertEquals(0, r.exit(), r::toString);
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(2, Duration.ofSeconds(30));
        assertEquals(List.of("bob@example.org", "carol@example.net"),
                got.stream().map(PrivatePostfix.Delivered::deliveredTo).toList(), r::toString);
        for (PrivatePostfix.Delivered d : got) {
            assertEquals("<alice@example.org>", d.returnPath());
            // swaks sends CRLF and dot-stuffs; Postfix's sendmail stores LF: the message is back as sent
            assertArrayEquals(message, d.original(),
                    () -> "not byte-identical:\n" + new String(d.raw(), StandardCharsets.UTF_8) + "\n" + r);
        }
    }

    @Test
    void lmtpRetryWithTheSameEnvidIsNotDeliveredTwice() {
        byte[] message = Messages.plain("alice@example.org", "bob@example.org", "exactly once");
        String envid = "q" + System.nanoTime();
        String body = new String(crlf(message), StandardCharsets.UTF_8).replace("\r\n.", "\r\n..");
        byte[] session = ("LHLO laptop.example.org\r\n"
                + "MAIL FROM:<alice@example.org> ENVID=" + envid + "\r\n"
                + "RCPT TO:<bob@example.org>\r\n"
                + "DATA\r\n"
                + body + ".\r\n"
                + "QUIT\r\n").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; attempt <= 2; attempt++) {
            Proc.Result r = sshd.ssh(laptop, "rsendmail --lmtp", session);
            assertEquals(0, r.exit(), r::toString);
            List<String> replies = List.of(r.out().split("\r\n"));
            assertTrue(replies.get(0).startsWith("220"), r::toString);
            int data = replies.indexOf(replies.stream().filter(l -> l.startsWith("354")).findFirst().orElseThrow());
            assertTrue(replies.get(data + 1).startsWith("250 2."), () -> "per-recipient reply after DATA: " + r);
            assertTrue(replies.get(replies.size() - 1).startsWith("221"), r::toString);
            List<PrivatePostfix.Delivered> got = attempt == 1
                    ? postfix.awaitMessages(1, Duration.ofSeconds(30))
                    : postfix.awaitIdle(Duration.ofSeconds(30));
            assertEquals(1, got.size(), () -> "delivered after attempt: " + got);
            assertArrayEquals(message, got.get(0).original());
        }
    }
}
