package net.rsendmail.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client against a broken or hostile server: what it says is read strictly, never as success. */
class LmtpClientStrictTest {
    private static final String HELLO = "220 relay LMTP\r\n250-relay\r\n250 PIPELINING\r\n";

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private LmtpClient client(String serverSays) throws Exception {
        return client(new ByteArrayInputStream((HELLO + serverSays).getBytes(StandardCharsets.US_ASCII)));
    }

    private LmtpClient client(InputStream server) throws Exception {
        LmtpClient c = new LmtpClient(server, sent);
        c.start("client.example");
        return c;
    }

    private static InputStream body() {
        return new ByteArrayInputStream("Subject: secret body\n\nx\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static final Transaction TX = new Transaction("a@example.org", List.of("b@example.net"), "Q1", 30);

    @Test
    void aPositiveReplyOtherThan354ToDataIsAProtocolErrorAndTheBodyIsNotSent() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.0.0 ok\r\n");
        LmtpException e = assertThrows(LmtpException.class, () -> c.send(TX, body()));
        assertTrue(e.getMessage().contains("DATA"), e.getMessage());
        assertFalse(sent.toString(StandardCharsets.US_ASCII).contains("secret body"));
    }

    @Test
    void requireTlsGoesOnlyToARelayThatOffersIt() throws Exception {
        Transaction tx = TX.withRequireTls(true);
        LmtpClient without = client("");
        List<Reply> r = without.send(tx, body());
        assertTrue(r.size() == 1 && r.get(0).code() == 550 && "5.7.30".equals(r.get(0).status()), r::toString);
        assertFalse(sent.toString(StandardCharsets.US_ASCII).contains("MAIL FROM"), "RFC 8689 §4.2.1: nothing sent");
        sent.reset();
        LmtpClient with = client(new ByteArrayInputStream(("220 relay LMTP\r\n250-relay\r\n250-REQUIRETLS\r\n250 DSN\r\n"
                + "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n250 2.0.0 ok\r\n").getBytes(StandardCharsets.US_ASCII)));
        r = with.send(tx, body());
        assertTrue(r.get(0).positive(), r::toString);
        assertTrue(sent.toString(StandardCharsets.US_ASCII).contains("MAIL FROM:<a@example.org> ENVID=Q1 REQUIRETLS\r\n"),
                sent::toString);
    }

    @Test
    void transmitSendsTheMessageAndFinishReadsItsRepliesOneTransactionAtATime() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n250 2.0.0 delivered\r\n");
        LmtpClient.Pending p = c.transmit(TX, body());
        String written = sent.toString(StandardCharsets.US_ASCII);
        assertTrue(written.endsWith("MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
                + "Subject: secret body\r\n\r\nx\r\n.\r\n"), written);
        assertThrows(IllegalStateException.class, () -> c.transmit(TX, body()), "a second envelope would be read "
                + "while the first message's replies are still due");
        assertThrows(IllegalStateException.class, () -> c.probe(TX));
        assertEquals(written, sent.toString(StandardCharsets.US_ASCII), "nothing more written by the refused calls");
        List<Reply> r = c.finish(p);
        assertTrue(r.size() == 1 && r.get(0).code() == 250 && r.get(0).text().contains("delivered"), r::toString);
        assertThrows(IllegalStateException.class, () -> c.finish(p), "finished once only");
    }

    @Test
    void aRefusedDataIsAnsweredByTransmitAndTheNextTransactionMayFollow() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n250 2.1.5 ok\r\n451 4.3.0 later\r\n250 2.0.0 reset\r\n"
                + "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n250 2.0.0 delivered\r\n");
        LmtpClient.Pending p = c.transmit(TX, body());
        assertTrue(p instanceof LmtpClient.Pending.Answered, p::toString);
        assertEquals(451, c.finish(p).get(0).code());
        assertFalse(sent.toString(StandardCharsets.US_ASCII).contains("secret body"));
        assertEquals(250, c.send(TX, body()).get(0).code());
    }

    @Test
    void anIntermediateReplyToRcptIsAProtocolError() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n354 go on\r\n354 go on\r\n");
        assertThrows(LmtpException.class, () -> c.send(TX, body()));
    }

    @Test
    void anEndlessMultiLineReplyEndsInAProtocolError() throws Exception {
        InputStream endless = new InputStream() { // "250-x\r\n" forever, never a last line
            private final byte[] line = "250-x\r\n".getBytes(StandardCharsets.US_ASCII);
            private long n;

            @Override
            public int read() {
                return line[(int) (n++ % line.length)];
            }
        };
        InputStream server = new java.io.SequenceInputStream(
                new ByteArrayInputStream(HELLO.getBytes(StandardCharsets.US_ASCII)), endless);
        LmtpClient c = client(server);
        LmtpException e = assertThrows(LmtpException.class, () -> c.send(TX, body()));
        assertTrue(e.getMessage().contains("lines"), e.getMessage());
    }

    @Test
    void anEndlessGreetingIsRefusedToo() {
        InputStream endless = new InputStream() {
            private final byte[] line = "220-hello\r\n".getBytes(StandardCharsets.US_ASCII);
            private long n;

            @Override
            public int read() {
                return line[(int) (n++ % line.length)];
            }
        };
        assertThrows(LmtpException.class, () -> new LmtpClient(endless, sent).start("client.example"));
    }

    @Test
    void aProbeSendsTheEnvelopeThenRsetAndNeverData() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n550 5.7.1 not for this key\r\n250 2.1.5 ok\r\n250 2.0.0 reset\r\n");
        List<Reply> r = c.probe(new Transaction("a@example.org", List.of("x@example.net", "y@example.net"), null, 0));
        assertEquals(3, r.size());
        assertTrue(r.get(0).positive());
        assertEquals(550, r.get(1).code());
        assertTrue(r.get(2).positive());
        String said = sent.toString(StandardCharsets.US_ASCII);
        assertTrue(said.endsWith("MAIL FROM:<a@example.org>\r\nRCPT TO:<x@example.net>\r\nRCPT TO:<y@example.net>\r\nRSET\r\n"),
                said);
        assertFalse(said.contains("DATA"), said);
    }

    @Test
    void aProbeWhoseRsetIsRefusedOrThatMeetsAnIntermediateReplyFails() throws Exception {
        Transaction tx = new Transaction("a@example.org", List.of("b@example.net"), null, 0);
        assertThrows(LmtpException.class, () -> client("250 ok\r\n250 ok\r\n421 4.3.2 going away\r\n").probe(tx));
        assertThrows(LmtpException.class, () -> client("250 ok\r\n354 go on\r\n250 ok\r\n").probe(tx));
        assertThrows(java.io.IOException.class, () -> client("250 ok\r\n").probe(tx));
    }

    private static final Transaction TX2 = new Transaction("a@example.org", List.of("c@example.net"), "Q2", 30);

    @Test
    void anOfferedEnvelopeIsWrittenBehindTheOpenMessageAndNotAgainByItsTransmit() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n250 2.0.0 first\r\n"
                + "250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n250 2.0.0 second\r\n");
        LmtpClient.Pending p1 = c.transmit(TX, body());
        c.offer(TX2);
        assertTrue(c.offering());
        String written = sent.toString(StandardCharsets.US_ASCII);
        assertTrue(written.endsWith("x\r\n.\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n"),
                written);
        assertThrows(IllegalStateException.class, () -> c.offer(TX2), "one envelope ahead only");
        assertThrows(IllegalStateException.class, () -> c.transmit(TX2, body()), "the open message's replies first");
        assertTrue(c.finish(p1).get(0).text().contains("first"));
        LmtpClient.Pending p2 = c.transmit(TX2, body());
        assertFalse(c.offering());
        String all = sent.toString(StandardCharsets.US_ASCII);
        assertEquals(written + "Subject: secret body\r\n\r\nx\r\n.\r\n", all, "the body only: no second envelope");
        assertTrue(c.finish(p2).get(0).text().contains("second"));
    }

    @Test
    void onlyTheOfferedTransactionMayFollowAndNothingElseIsWrittenInItsData() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n250 2.1.5 ok\r\n354 go\r\n");
        c.offer(TX2);
        String written = sent.toString(StandardCharsets.US_ASCII);
        assertThrows(IllegalStateException.class, () -> c.transmit(TX, body()), "another envelope was offered");
        assertThrows(IllegalStateException.class, () -> c.probe(TX));
        assertThrows(IllegalStateException.class, c::reset);
        c.quit(); // past the 354 a QUIT would be the message: the session can only be dropped
        assertEquals(written, sent.toString(StandardCharsets.US_ASCII), "nothing written after the offer");
    }

    @Test
    void anOfferedEnvelopeRefusedAtDataIsAnsweredAndReset() throws Exception {
        LmtpClient c = client("250 2.1.0 ok\r\n550 5.1.1 no such user\r\n554 5.5.1 no valid recipients\r\n"
                + "250 2.0.0 reset\r\n");
        c.offer(TX2);
        LmtpClient.Pending p = c.transmit(TX2, body());
        assertTrue(p instanceof LmtpClient.Pending.Answered, p::toString);
        assertEquals(550, c.finish(p).get(0).code());
        String said = sent.toString(StandardCharsets.US_ASCII);
        assertFalse(said.contains("secret body"), said);
        assertTrue(said.endsWith("DATA\r\nRSET\r\n"), said);
    }

    @Test
    void anEnvelopeThatNeedsRequireTlsIsNotOfferedToARelayWithoutIt() throws Exception {
        LmtpClient c = client("");
        String before = sent.toString(StandardCharsets.US_ASCII);
        Transaction tx = TX2.withRequireTls(true);
        c.offer(tx);
        assertFalse(c.offering());
        assertEquals(before, sent.toString(StandardCharsets.US_ASCII));
        assertEquals("5.7.30", c.send(tx, body()).get(0).status());
    }
}
