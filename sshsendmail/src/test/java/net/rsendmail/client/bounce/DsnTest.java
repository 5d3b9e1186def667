package net.rsendmail.client.bounce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import net.rsendmail.client.message.MessagePreparer;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.Test;

class DsnTest {
    static final String ORIGINAL = "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: hello\n"
            + "Message-ID: <orig@example.org>\n\nsecret body\n";

    @Test
    void multipartReportThatAParserReadsBack() throws Exception {
        byte[] dsn = Dsn.build("client.example", "20260101T000000000000Z-0123456789abcdef", "alice@example.org",
                Instant.parse("2026-01-01T00:00:00Z"),
                Dsn.Action.failed(false),
                List.of(new Dsn.Recipient("bob@example.net", "5.7.1", "relay: sender not allowed for this key")),
                new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
        assertTrue(m.getContentType().startsWith("multipart/report"), m.getContentType());
        assertTrue(m.getContentType().contains("report-type=delivery-status"), m.getContentType());
        assertEquals("<alice@example.org>", m.getHeader("To", ","));
        assertEquals("auto-replied", m.getHeader("Auto-Submitted", ","));
        assertTrue(m.getHeader("From", ",").contains("MAILER-DAEMON@client.example"));
        Object content = m.getContent();
        assertTrue(content instanceof MultipartReport, content.getClass().toString());
        MultipartReport r = (MultipartReport) content;
        assertTrue(r.getText().contains("bob@example.net"), r.getText());
        DeliveryStatus ds = r.getDeliveryStatus();
        assertEquals("dns; client.example", ds.getMessageDSN().getHeader("Reporting-MTA", ","));
        assertEquals(1, ds.getRecipientDSNCount());
        InternetHeaders rcpt = ds.getRecipientDSN(0);
        assertEquals("rfc822; bob@example.net", rcpt.getHeader("Final-Recipient", ","));
        assertEquals("failed", rcpt.getHeader("Action", ","));
        assertEquals("5.7.1", rcpt.getHeader("Status", ","));
        assertEquals(null, rcpt.getHeader("Will-Retry-Until"), "only for delayed (RFC 3464 §2.3.9)");
        MimeMultipart mm = (MimeMultipart) content;
        assertEquals(3, mm.getCount());
        assertTrue(mm.getBodyPart(2).getContentType().startsWith("text/rfc822-headers"), mm.getBodyPart(2).getContentType());
        String all = new String(dsn, StandardCharsets.UTF_8);
        assertTrue(all.contains("Subject: hello"), all);
        String returned = all.substring(all.indexOf("text/rfc822-headers"));
        assertTrue(returned.contains("Message-ID: <orig@example.org>"), "the original's Message-ID, unchanged:\n" + all);
        assertTrue(!returned.contains("MIME-Version"), "nothing added to it:\n" + all);
        assertTrue(!all.contains("secret body"), "only the header section is returned");
    }

    @Test
    void delayWarningSaysDelayedWhenItGivesUpAndThatItIsOnlyAWarning() throws Exception {
        Instant giveUp = Instant.parse("2026-01-06T00:00:00Z");
        byte[] dsn = Dsn.build("client.example", "20260101T000000000000Z-0123456789abcdef", "alice@example.org",
                Instant.parse("2026-01-01T00:00:00Z"), Dsn.Action.delayed(giveUp),
                List.of(new Dsn.Recipient("bob@example.net", "4.4.1", "connect to relay.example.net: refused"),
                        new Dsn.Recipient("carol@example.net", "", "relay: busy")),
                new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn));
        assertTrue(m.getContentType().contains("report-type=delivery-status"), m.getContentType());
        assertEquals("Delayed Mail (still being retried)", m.getSubject());
        assertEquals("<alice@example.org>", m.getHeader("To", ","));
        MultipartReport r = (MultipartReport) m.getContent();
        String until = MessagePreparer.date(ZonedDateTime.ofInstant(giveUp, ZoneId.systemDefault()));
        assertTrue(r.getText().contains("WARNING ONLY") && r.getText().contains("DO NOT NEED TO RESEND"), r.getText());
        assertTrue(r.getText().contains("keeps trying until " + until), r.getText());
        DeliveryStatus ds = r.getDeliveryStatus();
        assertEquals(2, ds.getRecipientDSNCount());
        InternetHeaders bob = ds.getRecipientDSN(0);
        assertEquals("rfc822; bob@example.net", bob.getHeader("Final-Recipient", ","));
        assertEquals("delayed", bob.getHeader("Action", ","));
        assertEquals("4.4.1", bob.getHeader("Status", ","));
        assertEquals(until, bob.getHeader("Will-Retry-Until", ","));
        assertEquals("X-sshsendmail; connect to relay.example.net: refused", bob.getHeader("Diagnostic-Code", ","));
        // RFC 3464 §2.3.4: a status is required and must fit "delayed"
        assertEquals("4.0.0", ds.getRecipientDSN(1).getHeader("Status", ","));
        assertTrue(!new String(dsn, StandardCharsets.UTF_8).contains("secret body"), "only the header section");
    }
}
