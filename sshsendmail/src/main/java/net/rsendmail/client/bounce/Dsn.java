package net.rsendmail.client.bounce;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import net.rsendmail.client.message.MessagePreparer;
import net.rsendmail.mail.HeaderBlock;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;

/**
 * An RFC 3464 delivery status notification: multipart/report; report-type=delivery-status with a
 * human-readable part, the message/delivery-status part and the returned header section
 * (text/rfc822-headers). Sent from the null sender, so it never bounces itself.
 */
public final class Dsn {
    /** How much of the original message is looked at for its header section. */
    static final int HEADER_LIMIT = 64 * 1024;

    /** One recipient that failed, with its RFC 3463 status and the relay's words. */
    public record Failed(String address, String status, String diagnostic) {
    }

    /**
     * @param reportingHost this machine's name (Reporting-MTA)
     * @param queueId       the queue id of the failed message
     * @param sender        the original envelope sender: the DSN goes there
     * @param arrival       when the message was queued
     * @param expired       true when it was given up because it was too old
     * @param original      the original message; only its header section is returned
     */
    public static byte[] build(String reportingHost, String queueId, String sender, Instant arrival,
                               List<Failed> failed, boolean expired, InputStream original)
            throws IOException, MessagingException {
        byte[] head = readHead(original);
        HeaderBlock hb = HeaderBlock.parse(head, head.length);
        InternetHeaders returned = new InternetHeaders(new ByteArrayInputStream(crlf(head, hb.end())));

        StringBuilder text = new StringBuilder();
        text.append("This is the mail system at ").append(reportingHost).append(".\r\n\r\n");
        if (expired) {
            text.append("Your message could not be delivered in time and has been given up on.\r\n");
        } else {
            text.append("Your message could not be delivered to one or more recipients.\r\n");
        }
        text.append("It was queued on ").append(MessagePreparer.date(ZonedDateTime.ofInstant(arrival, ZoneId.systemDefault())))
                .append(" with queue id ").append(queueId).append(".\r\n\r\n");
        for (Failed f : failed) {
            text.append("<").append(f.address()).append(">: ").append(f.status()).append(' ').append(f.diagnostic())
                    .append("\r\n");
        }
        text.append("\r\nThe header section of your message is attached.\r\n");

        DeliveryStatus ds = new DeliveryStatus();
        InternetHeaders perMessage = new InternetHeaders();
        perMessage.addHeader("Reporting-MTA", "dns; " + reportingHost);
        perMessage.addHeader("X-Sshsendmail-Queue-ID", queueId);
        perMessage.addHeader("Arrival-Date", MessagePreparer.date(ZonedDateTime.ofInstant(arrival, ZoneId.systemDefault())));
        ds.setMessageDSN(perMessage);
        String now = MessagePreparer.date(ZonedDateTime.now(ZoneId.systemDefault()));
        for (Failed f : failed) {
            InternetHeaders r = new InternetHeaders();
            r.addHeader("Final-Recipient", "rfc822; " + f.address());
            r.addHeader("Action", "failed");
            r.addHeader("Status", f.status());
            r.addHeader("Diagnostic-Code", "X-sshsendmail; " + oneLine(f.diagnostic()));
            r.addHeader("Last-Attempt-Date", now);
            ds.addRecipientDSN(r);
        }

        Session session = Session.getInstance(new Properties());
        String messageId = "<" + Long.toString(System.currentTimeMillis(), 36) + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".dsn@" + reportingHost + ">";
        MimeMessage msg = new MimeMessage(session) {
            @Override
            protected void updateMessageID() throws MessagingException {
                setHeader("Message-ID", messageId);
            }
        };
        msg.setHeader("From", "Mail Delivery System <MAILER-DAEMON@" + reportingHost + ">");
        msg.setHeader("To", "<" + sender + ">");
        msg.setHeader("Subject", expired ? "Undelivered Mail Returned to Sender (expired)"
                : "Undelivered Mail Returned to Sender");
        msg.setHeader("Date", now);
        msg.setHeader("Auto-Submitted", "auto-replied");
        MultipartReport report = new MultipartReport(text.toString(), ds, returned);
        msg.setContent(report);
        msg.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        msg.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] readHead(InputStream in) throws IOException {
        byte[] b = in.readNBytes(HEADER_LIMIT);
        return b;
    }

    /** The header section with CRLF line ends and an empty line, as InternetHeaders reads it. */
    private static byte[] crlf(byte[] head, int end) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end + 64);
        for (int i = 0; i < end; i++) {
            byte c = head[i];
            if (c == '\n' && (i == 0 || head[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(c);
        }
        if (end > 0 && head[end - 1] != '\n') {
            out.write('\r');
            out.write('\n');
        }
        out.write('\r');
        out.write('\n');
        return out.toByteArray();
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
