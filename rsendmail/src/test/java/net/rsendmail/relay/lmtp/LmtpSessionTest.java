package net.rsendmail.relay.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.rsendmail.relay.RelayHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rsendmail --lmtp through the whole relay, with a real recording sendmail behind it. */
class LmtpSessionTest {
    @TempDir
    Path dir;

    private RelayHarness relay;

    @BeforeEach
    void setUp() throws Exception {
        relay = new RelayHarness(dir, "[policy small]\nmax_size 100\nmax_recipients 2\n"
                + "[policy lim]\nrecipients @example.net\n");
    }

    private String session(String input, String... trusted) {
        RelayHarness.Result r = relay.run("rsendmail --lmtp", input, trusted);
        return r.out();
    }

    private static List<String> codes(String replies) {
        return Arrays.stream(replies.split("\r\n")).map(l -> l.substring(0, 3) + (l.length() > 3 && l.charAt(3) == '-' ? "-" : ""))
                .filter(c -> !c.endsWith("-")).toList();
    }

    @Test
    void pipelinedSessionInOneWriteGetsEveryReplyInOrder() throws Exception {
        String in = "LHLO client.example\r\n"
                + "MAIL FROM:<a@example.org> SIZE=30 BODY=8BITMIME SMTPUTF8 ENVID=Q1+2B\r\n"
                + "RCPT TO:<b@example.net> NOTIFY=FAILURE,DELAY ORCPT=rfc822;b@example.net\r\n"
                + "RCPT TO:<bad address>\r\n"
                + "RCPT TO:<c@example.net>\r\n"
                + "DATA\r\n"
                + "Subject: s\r\n\r\n..dot\r\nlone\rCR\r\nbody\r\n.\r\n"
                + "MAIL FROM:<> \r\nRCPT TO:<d@example.net>\r\nRSET\r\nNOOP\r\nQUIT\r\n";
        String out = session(in);
        assertEquals(List.of("220", "250", "250", "250", "501", "250", "354", "250", "250", "250", "250", "250", "250", "221"),
                codes(out), out);
        assertTrue(out.contains("250-PIPELINING\r\n") && out.contains("250-ENHANCEDSTATUSCODES\r\n")
                && out.contains("250-8BITMIME\r\n") && out.contains("250-SMTPUTF8\r\n") && out.contains("250-DSN\r\n"), out);
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.net", "c@example.net"), relay.mtaArgv());
        assertArrayEquals("Subject: s\n\n.dot\nlone\rCR\nbody\n".getBytes(StandardCharsets.US_ASCII), relay.mtaStdin(),
                "unstuffed, LF line ends for the local sendmail, a lone CR kept");
        assertEquals(1, relay.mtaRuns(), "RSET after MAIL/RCPT hands nothing on");
    }

    @Test
    void streamCutInsideDataHandsNothingOn() throws Exception {
        String in = "LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\nSubject: s\r\n\r\npartial";
        RelayHarness.Result r = relay.run("rsendmail --lmtp", in);
        assertEquals(75, r.exit());
        assertFalse(relay.mtaRan());
        assertTrue(relay.logLines().get(0).contains("lost connection in DATA, nothing handed on"), relay.logLines().get(0));
        // Cut right before the final dot's CRLF: still not a whole message.
        r = relay.run("rsendmail --lmtp", in.replace("partial", "body\r\n."));
        assertEquals(75, r.exit());
        assertFalse(relay.mtaRan());
    }

    @Test
    void replayedEnvidIsAcknowledgedWithoutASecondHandOver() throws Exception {
        String tx = "MAIL FROM:<a@example.org> ENVID=20261122T0001-abc\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n"
                + "DATA\r\nSubject: s\r\n\r\nx\r\n.\r\n";
        String out = session("LHLO c\r\n" + tx + tx + "QUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "250", "354", "250", "250", "250", "250", "250", "354", "250", "250", "221"),
                codes(out), out);
        assertEquals(1, relay.mtaRuns());
        assertTrue(out.contains("250 2.0.0 already accepted for ENVID 20261122T0001-abc"), out);
        // A later session (a retry after a lost acknowledgement) with one new recipient: only that one goes.
        String retry = tx.replace("RCPT TO:<c@example.net>", "RCPT TO:<c@example.net>\r\nRCPT TO:<d@example.net>");
        session("LHLO c\r\n" + retry + "QUIT\r\n");
        assertEquals(2, relay.mtaRuns());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "d@example.net"), relay.mtaArgv());
    }

    @Test
    void failedHandOverIsNotRememberedSoTheRetryGoes() throws Exception {
        relay.mtaExits(75);
        String tx = "MAIL FROM:<a@example.org> ENVID=E2\r\nRCPT TO:<b@example.net>\r\nDATA\r\nx\r\n.\r\n";
        String out = session("LHLO c\r\n" + tx + "QUIT\r\n");
        assertTrue(out.contains("451 4.3.0 relay MTA refused the message (exit 75)"), out);
        relay.mtaExits(0);
        out = session("LHLO c\r\n" + tx + "QUIT\r\n");
        assertTrue(out.contains("250 2.0.0 delivered to relay MTA (ENVID E2)"), out);
        assertEquals(2, relay.mtaRuns());
    }

    @Test
    void mixedRecipientOutcomesInOneTransaction() throws Exception {
        String out = session("LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<x@elsewhere.org>\r\n"
                + "DATA\r\nx\r\n.\r\nQUIT\r\n", "--policy", "lim");
        assertTrue(out.contains("550 5.7.1 recipient not allowed for this key: x@elsewhere.org\r\n"), out);
        assertEquals(List.of("220", "250", "250", "250", "550", "354", "250", "221"), codes(out));
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.net"), relay.mtaArgv());
    }

    @Test
    void requireTlsIsNeitherOfferedNorTakenWhenTheTransportIsTheLocalSendmail() throws Exception {
        String out = session("LHLO c\r\nMAIL FROM:<a@example.org> REQUIRETLS\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
                + "x\r\n.\r\nQUIT\r\n");
        assertFalse(out.contains("250-REQUIRETLS"), "RFC 8689 §3: offered only where it can be honoured: " + out);
        assertTrue(out.contains("555 5.5.4 unsupported MAIL parameter: REQUIRETLS\r\n"), out);
        assertFalse(relay.mtaRan());
    }

    @Test
    void sizeLimitsAtMailAndAfterData() throws Exception {
        String out = session("LHLO c\r\nMAIL FROM:<a@example.org> SIZE=101\r\nQUIT\r\n", "--policy", "small");
        assertTrue(out.contains("552 5.3.4 message too big: over 100 bytes"), out);
        String big = "x".repeat(200);
        out = session("LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n" + big + "\r\n.\r\nNOOP\r\nQUIT\r\n",
                "--policy", "small");
        assertEquals(List.of("220", "250", "250", "250", "354", "552", "250", "221"), codes(out), out);
        assertFalse(relay.mtaRan());
    }

    @Test
    void tooManyRecipientsIs452SoTheRestCanFollowLater() throws Exception {
        String out = session("LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\n"
                + "RCPT TO:<d@example.net>\r\nQUIT\r\n", "--policy", "small");
        assertTrue(out.contains("452 4.5.3 too many recipients: 3, at most 2 for this key"), out);
    }

    @Test
    void sequenceAndSyntaxErrors() throws Exception {
        String out = session("MAIL FROM:<a@example.org>\r\nEHLO c\r\nHELO c\r\nLHLO\r\nLHLO c\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
                + "MAIL FROM:a@example.org\r\nMAIL FROM:<a@example.org> FOO=1\r\nMAIL FROM:<a@example.org> ENVID=bad=\r\n"
                + "MAIL FROM:<a@example.org>\r\nMAIL FROM:<a@example.org>\r\nDATA\r\nRCPT TO:<b@example.net> X=1\r\n"
                + "RCPT TO:<-bp@example.net>\r\nVRFY root\r\nWHATEVER\r\nDATA x\r\nQUIT\r\n");
        assertEquals(List.of("220", "503", "500", "500", "501", "250", "503", "503", "501", "555", "501", "250", "503", "503",
                "555", "553", "502", "500", "501", "221"), codes(out), out);
        assertFalse(relay.mtaRan());
    }

    @Test
    void overlongAndControlCharacterLinesAreRefused() throws Exception {
        String out = session("LHLO c\r\nNOOP " + "x".repeat(600) + "\r\nNOOP\u0000\r\nNOOP\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "500", "500", "250", "221"), codes(out), out);
        assertTrue(out.contains("500 5.5.2 line too long"));
    }

    @Test
    void endOfInputBetweenTransactionsIsClean() throws Exception {
        RelayHarness.Result r = relay.run("rsendmail --lmtp", "LHLO c\r\nNOOP\r\n");
        assertEquals(0, r.exit());
        assertEquals(List.of("220", "250", "250"), codes(r.out()));
    }

    @Test
    void bareLfEndsALineButNeverTheData() throws Exception {
        // Postfix's smtpd_forbid_bare_newline = normalize: a bare LF line is a line, but only CR LF . CR LF ends DATA.
        String in = "LHLO c\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.net>\r\nDATA\n"
                + "Subject: s\r\n\r\nsmuggled\n.\r\nMAIL FROM:<x@evil.org>\r\n..stuffed\r\n.\r\nQUIT\r\n";
        String out = session(in);
        assertEquals(List.of("220", "250", "250", "250", "354", "250", "221"), codes(out), out);
        assertEquals(1, relay.mtaRuns());
        assertEquals("Subject: s\n\nsmuggled\n\nMAIL FROM:<x@evil.org>\n.stuffed\n", new String(relay.mtaStdin(),
                StandardCharsets.US_ASCII), "the smuggled command is body text of the one message");
    }

    @Test
    void envidAtAndOverTheXtextLimit() throws Exception {
        String at = "E".repeat(100);
        String over = "E".repeat(101);
        String encodedAt = "+2B".repeat(33) + "E"; // 100 characters of xtext
        String out = session("LHLO c\r\nMAIL FROM:<a@example.org> ENVID=" + at + "\r\nRSET\r\n"
                + "MAIL FROM:<a@example.org> ENVID=" + over + "\r\n"
                + "MAIL FROM:<a@example.org> ENVID=" + encodedAt + "\r\nRSET\r\n"
                + "MAIL FROM:<a@example.org> ENVID=" + encodedAt + "E\r\n"
                + "MAIL FROM:<a@example.org> ENVID=+ZZ\r\nMAIL FROM:<a@example.org> ENVID=\r\n"
                + "MAIL FROM:<a@example.org> ENVID=a\u0001b\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "250", "250", "501", "250", "250", "501", "501", "501", "500", "221"), codes(out), out);
    }

    @Test
    void dataWithoutRecipientsAndRecipientsWithoutSender() throws Exception {
        String out = session("LHLO c\r\nDATA\r\nRCPT TO:<b@example.net>\r\nMAIL FROM:<a@example.org>\r\nDATA\r\n"
                + "RCPT TO:<bad>\r\nDATA\r\nQUIT\r\n");
        assertEquals(List.of("220", "250", "503", "503", "250", "503", "553", "503", "221"), codes(out), out);
        assertFalse(relay.mtaRan());
        assertTrue(relay.logLines().stream().anyMatch(l -> l.contains("status=refused 64 5.1.3 bad recipient address")),
                relay.logLines().toString());
    }

    @Test
    void aQuitInsideATransactionHandsNothingOverAndAnEndOfInputIsLogged() throws Exception {
        RelayHarness.Result r = relay.run("rsendmail --lmtp", "LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\n");
        assertEquals(75, r.exit());
        assertFalse(relay.mtaRan());
        assertTrue(relay.logLines().get(0).contains("status=connection closed inside a transaction, nothing handed on"),
                relay.logLines().toString());
    }
}
