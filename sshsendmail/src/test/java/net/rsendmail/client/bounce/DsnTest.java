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
import java.util.List;
import java.util.Properties;
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
                List.of(new Dsn.Failed("bob@example.net", "5.7.1", "relay: sender not allowed for this key")),
                false, new ByteArrayInputStream(ORIGINAL.getBytes(StandardCharsets.UTF_8)));
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
        MimeMultipart mm = (MimeMultipart) content;
        assertEquals(3, mm.getCount());
        assertTrue(mm.getBodyPart(2).getContentType().startsWith("text/rfc822-headers"), mm.getBodyPart(2).getContentType());
        String all = new String(dsn, StandardCharsets.UTF_8);
        assertTrue(all.contains("Subject: hello"), all);
        assertTrue(!all.contains("secret body"), "only the header section is returned");
    }
}
