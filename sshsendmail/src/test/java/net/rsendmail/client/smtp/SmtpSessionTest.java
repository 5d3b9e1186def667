package net.rsendmail.client.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.RecipientState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sshsendmail -bs against a real queue in a temporary directory (no runner: background no). */
class SmtpSessionTest {
    @TempDir
    Path dir;

    private ClientConfig config;
    private MailQueue queue;

    @BeforeEach
    void setUp() throws Exception {
        Path conf = dir.resolve("sshsendmail.conf");
        Files.writeString(conf, "relay u@127.0.0.1\nqueue " + dir.resolve("q") + "\ndomain client.test\nbackground no\n"
                + "log none\n");
        config = ClientConfigReader.load(conf, true);
        queue = MailQueue.open(config.queue());
    }

    private record Run(SmtpSession.Result result, String out) {
        List<String> codes() {
            return Arrays.stream(out.split("\r\n")).filter(l -> l.length() < 4 || l.charAt(3) != '-')
                    .map(l -> l.substring(0, 3)).toList();
        }
    }

    private Run session(InputStream in, IdleWatch watch, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SmtpSession s = new SmtpSession(in, out, CommandLineParser.parse(args.length == 0 ? new String[] {"-bs"} : args),
                config, null, watch, ClientLog.get("smtp"));
        SmtpSession.Result r = s.run();
        return new Run(r, out.toString(StandardCharsets.UTF_8));
    }

    private Run session(String in, String... args) throws Exception {
        return session(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)), new IdleWatch(60_000, () -> { }), args);
    }

    private List<QueueEntry> queued() throws Exception {
        return queue.list();
    }

    private String message(QueueEntry e) throws IOException {
        return Files.readString(config.queue().resolve("queue").resolve(e.id().value()).resolve("msg"));
    }

    private static List<String> rcpts(QueueEntry e) {
        return e.recipients().stream().map(RecipientState::address).toList();
    }

    /** Nothing half-written either: the queue's temporary area is empty. */
    private void assertNothingQueued() throws Exception {
        assertEquals(List.of(), queued());
        try (Stream<Path> tmp = Files.list(config.queue().resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList());
        }
    }

    private static final String MSG = "From: shop@client.test\r\nTo: b@example.org\r\nSubject: s\r\n"
            + "Date: Thu, 01 Jan 2026 12:00:00 +0000\r\nMessage-ID: <1@client.test>\r\n\r\n";

    @Test
    void pipelinedTwoMessagesInOneWrite() throws Exception {
        Run r = session("EHLO web1\r\n"
                + "MAIL FROM:<shop@client.test> SIZE=200 BODY=8BITMIME SMTPUTF8\r\nRCPT TO:<b@example.org>\r\n"
                + "RCPT TO:<c@example.org>\r\nDATA\r\n" + MSG + "..leading dot\r\n..\r\nmid\r\nGrüße\r\n.\r\n"
                + "MAIL FROM:<>\r\nRCPT TO:<root>\r\nDATA\r\n" + MSG + "second\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "250", "354", "250", "250", "250", "354", "250", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-SIZE\r\n"),
                r.out);
        assertEquals(new SmtpSession.Result(0, 2), r.result);
        List<QueueEntry> q = queued();
        assertEquals(2, q.size());
        QueueEntry first = q.stream().filter(e -> e.sender().equals("shop@client.test")).findFirst().orElseThrow();
        assertEquals(List.of("b@example.org", "c@example.org"), rcpts(first));
        assertEquals(MSG.replace("\r\n", "\n") + ".leading dot\n.\nmid\nGrüße\n", message(first),
                "unstuffed; a line with a single (stuffed) dot stays in the message");
        QueueEntry second = q.stream().filter(e -> e.sender().isEmpty()).findFirst().orElseThrow();
        assertEquals(List.of("root@client.test"), rcpts(second), "qualified as on the command line");
        assertTrue(r.out.contains("250 2.0.0 queued as " + first.id() + "\r\n"), r.out);
    }

    @Test
    void headersAreCompletedAsForASendmailCall() throws Exception {
        Run r = session("HELO web1\r\nMAIL FROM:<www-data>\r\nRCPT TO:<b@example.org>\r\nDATA\r\nSubject: bare\r\n\r\nhi\r\n.\r\n"
                + "QUIT\r\n", "-FWeb Shop", "-bs");
        assertEquals(List.of("220", "250", "250", "250", "354", "250", "221"), r.codes(), r.out);
        QueueEntry e = queued().get(0);
        assertEquals("www-data@client.test", e.sender());
        String m = message(e);
        assertTrue(m.startsWith("Subject: bare\nFrom: Web Shop <www-data@client.test>\nDate: "), m);
        assertTrue(m.contains("\nMessage-ID: <") && m.endsWith("\n\nhi\n"), m);
    }

    @Test
    void rsetNoopVrfyHelpAndTheirReplies() throws Exception {
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nRSET\r\nDATA\r\nNOOP\r\nVRFY root\r\n"
                + "HELP\r\nexpn list\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "250", "503", "250", "252", "214", "502", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("503 5.5.1 MAIL first\r\n"), r.out);
        assertNothingQueued();
    }

    @Test
    void sequenceAndSyntaxErrorsQueueNothing() throws Exception {
        Run r = session("MAIL FROM:<a@client.test>\r\nLHLO x\r\nEHLO\r\nEHLO x\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
                + "MAIL FROM:a@client.test\r\nMAIL FROM:<a@client.test> FOO=1\r\nMAIL FROM:<-bp@client.test>\r\n"
                + "MAIL FROM:<a@client.test>\r\nMAIL FROM:<a@client.test>\r\nDATA\r\nRCPT TO:<bad address>\r\n"
                + "RCPT TO:<-oQ@example.org>\r\nDATA x\r\nWHATEVER\r\nQUIT\r\n");
        assertEquals(List.of("220", "503", "500", "501", "250", "503", "503", "501", "555", "553", "250", "503", "503",
                "501", "553", "501", "500", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("553 5.1.3 bad recipient address"), r.out);
        assertTrue(r.out.contains("553 5.1.7 bad sender address"), r.out);
        assertNothingQueued();
    }

    @Test
    void dataWithoutRecipientsIsRefusedAndItsBodyIsNotTakenForCommands() throws Exception {
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test>\r\nDATA\r\nRCPT TO:<b@example.org>\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "503", "250", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("503 5.5.1 no valid recipients\r\n"), r.out);
        assertNothingQueued();
    }

    @Test
    void inputCutInsideDataQueuesNothing() throws Exception {
        String head = "EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n";
        for (String cut : new String[] {"", MSG, MSG + "partial", MSG + "line\r\n.", MSG + "line\r\n.\r", MSG + "x\n.\n"}) {
            Run r = session(head + cut);
            assertEquals(75, r.result.exit(), cut);
            assertEquals(List.of("220", "250", "250", "250", "354"), r.codes(), r.out);
            assertNothingQueued();
        }
    }

    @Test
    void bareLfDotDoesNotEndTheMessage() throws Exception {
        // LF . LF is a message line: the "commands" after it are message text, and without CRLF.CRLF nothing is queued
        Run r = session("EHLO x\nMAIL FROM:<a@client.test>\nRCPT TO:<b@example.org>\nDATA\n" + MSG.replace("\r\n", "\n")
                + "text\n.\nMAIL FROM:<evil@client.test>\nRCPT TO:<victim@example.org>\nDATA\nforged\n.\nQUIT\n");
        assertEquals(75, r.result.exit());
        assertEquals(List.of("220", "250", "250", "250", "354"), r.codes(), r.out);
        assertNothingQueued();
        // ended properly, the smuggled "commands" are just lines of the one message
        r = session("EHLO x\nMAIL FROM:<a@client.test>\nRCPT TO:<b@example.org>\nDATA\n" + MSG + "text\n.\nMAIL FROM:<evil@x>\n"
                + "\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "354", "250", "221"), r.codes(), r.out);
        assertEquals(1, queued().size());
        assertTrue(message(queued().get(0)).endsWith("text\n\nMAIL FROM:<evil@x>\n\n"), message(queued().get(0)));
    }

    @Test
    void overlongAndControlLinesAreRefusedAndQueueNothing() throws Exception {
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test> " + "X".repeat(600) + "\r\nRCPT TO:<b@example.org>\r\n"
                + "MAIL FROM:<a@client.test>\u0000\r\nDATA\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "500", "503", "500", "503", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("500 5.5.2 line too long\r\n") && r.out.contains("500 5.5.2 control character in command\r\n"),
                r.out);
        assertNothingQueued();
    }

    @Test
    void tooManyErrorsCloseTheSession() throws Exception {
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\n" + "BOGUS\r\n".repeat(50)
                + "DATA\r\n" + MSG + ".\r\n");
        assertEquals(75, r.result.exit());
        assertTrue(r.out.endsWith("500 5.5.1 unknown command: BOGUS\r\n421 4.7.0 client.test too many errors, closing\r\n"), r.out);
        assertEquals(SmtpSession.MAX_ERRORS + 1, r.out.split("unknown command").length - 1);
        assertNothingQueued();
    }

    @Test
    void aMessageWithANulByteIsRefusedAndTheSessionGoesOn() throws Exception {
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + MSG + "a\u0000b\r\n"
                + "x\r\n".repeat(30_000) + ".\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + MSG + "ok\r\n.\r\n"
                + "QUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "354", "554", "250", "250", "354", "250", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("554 5.6.0 message contains a NUL byte"), r.out);
        assertEquals(1, queued().size());
        assertTrue(message(queued().get(0)).endsWith("\n\nok\n"));
    }

    @Test
    void aBrokenQueueIsATemporaryReplyNotALostMessage() throws Exception {
        Files.writeString(dir.resolve("notadir"), "");
        Path conf = dir.resolve("broken.conf");
        Files.writeString(conf, "relay u@127.0.0.1\nqueue " + dir.resolve("notadir/q") + "\nbackground no\nlog none\n");
        config = ClientConfigReader.load(conf, true);
        Run r = session("EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + MSG + "x\r\n.\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "354", "451", "221"), r.codes(), r.out);
        assertTrue(r.out.contains("451 4.3.0 cannot queue the message in "), r.out);
        assertEquals(new SmtpSession.Result(0, 0), r.result);
    }

    @Test
    void idleTimeLimitSays421AndQueuesTheOpenMessageNot() throws Exception {
        PipedOutputStream client = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(client, 1 << 16);
        IdleWatch watch = new IdleWatch(300, () -> {
            try {
                client.close(); // what the process's halt does to a session: no more input
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> {
            try {
                return session(in, watch);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        client.write(("EHLO x\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + MSG + "ok\r\n.\r\n"
                + "MAIL FROM:<a@client.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n" + MSG + "half")
                .getBytes(StandardCharsets.UTF_8));
        client.flush();
        Run r = run.get(30, TimeUnit.SECONDS);
        assertEquals(75, r.result.exit());
        assertTrue(r.out.endsWith("354 end data with <CR><LF>.<CR><LF>\r\n421 4.4.2 client.test idle timeout, closing\r\n"), r.out);
        assertEquals(1, queued().size(), "the whole message before stays queued, the half one is not");
        assertTrue(message(queued().get(0)).endsWith("\n\nok\n"));
    }
}
