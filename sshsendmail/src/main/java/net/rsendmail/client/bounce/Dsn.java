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
import org.eclipse.angus.mail.dsn.MessageHeaders;
import org.eclipse.angus.mail.dsn.MultipartReport;

/**
 * An RFC 3464 delivery status notification: multipart/report; report-type=delivery-status with a
 * human-readable part, the message/delivery-status part and the returned header section
 * (text/rfc822-headers). Either a bounce (every recipient "failed") or a delay warning (every
 * recipient "delayed", with Will-Retry-Until). Sent from the null sender, so it never bounces itself.
 */
public final class Dsn {
    /** How much of the original message is looked at for its header section. */
    static final int HEADER_LIMIT = 64 * 1024;

    /** One recipient the report is about, with its RFC 3463 status and the relay's words. */
    public record Recipient(String address, String status, String diagnostic) {
    }

    /**
     * What one report says about all its recipients: the RFC 3464 §2.3.3 Action, the status class
     * that goes with it (§2.3.4), the words around it, and for "delayed" the give-up time
     * (§2.3.9 Will-Retry-Until; null otherwise).
     */
    public record Action(String name, char statusClass, String subject, String explanation, Instant willRetryUntil) {

        /** Given up on: refused for good, or {@code expired} (too long in the queue). */
        public static Action failed(boolean expired) {
            return new Action("failed", '5',
                    expired ? "Undelivered Mail Returned to Sender (expired)" : "Undelivered Mail Returned to Sender",
                    expired ? "Your message could not be delivered in time and has been given up on.\r\n"
                            : "Your message could not be delivered to one or more recipients.\r\n", null);
        }

        /** Not delivered yet and still tried until {@code giveUp}: a warning only, as Postfix's delay_warning_time. */
        public static Action delayed(Instant giveUp) {
            return new Action("delayed", '4', "Delayed Mail (still being retried)",
                    "THIS IS A WARNING ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.\r\n\r\n"
                            + "Your message has not been delivered yet to the recipients below.\r\n"
                            + "sshsendmail keeps trying until " + date(giveUp) + ";\r\n"
                            + "only if it is still undelivered then does it give up and return it to you.\r\n",
                    giveUp);
        }
    }

    /**
     * @param reportingHost this machine's name (Reporting-MTA)
     * @param queueId       the queue id of the message reported on
     * @param sender        the original envelope sender: the DSN goes there
     * @param arrival       when the message was queued
     * @param original      the original message; only its header section is returned
     */
    public static byte[] build(String reportingHost, String queueId, String sender, Instant arrival, Action action,
                               List<Recipient> recipients, InputStream original)
            throws IOException, MessagingException {
        byte[] head = readHead(original);
        HeaderBlock hb = HeaderBlock.parse(head, head.length);
        InternetHeaders returned = new InternetHeaders(new ByteArrayInputStream(crlf(head, hb.end())));

        StringBuilder text = new StringBuilder();
        text.append("This is the mail system at ").append(reportingHost).append(".\r\n\r\n");
        text.append(action.explanation());
        text.append("It was queued on ").append(date(arrival)).append(" with queue id ").append(queueId)
                .append(".\r\n\r\n");
        for (Recipient r : recipients) {
            text.append("<").append(r.address()).append(">: ").append(r.status()).append(' ').append(r.diagnostic())
                    .append("\r\n");
        }
        text.append("\r\nThe header section of your message is attached.\r\n");

        DeliveryStatus ds = new DeliveryStatus();
        InternetHeaders perMessage = new InternetHeaders();
        perMessage.addHeader("Reporting-MTA", "dns; " + reportingHost);
        perMessage.addHeader("X-Sshsendmail-Queue-ID", queueId);
        perMessage.addHeader("Arrival-Date", date(arrival));
        ds.setMessageDSN(perMessage);
        String now = MessagePreparer.date(ZonedDateTime.now(ZoneId.systemDefault()));
        for (Recipient rc : recipients) {
            InternetHeaders r = new InternetHeaders();
            r.addHeader("Final-Recipient", "rfc822; " + rc.address());
            r.addHeader("Action", action.name());
            r.addHeader("Status", status(action, rc.status()));
            r.addHeader("Diagnostic-Code", "X-sshsendmail; " + oneLine(rc.diagnostic()));
            r.addHeader("Last-Attempt-Date", now);
            if (action.willRetryUntil() != null) {
                r.addHeader("Will-Retry-Until", date(action.willRetryUntil()));
            }
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
        msg.setHeader("Subject", action.subject());
        msg.setHeader("Date", now);
        msg.setHeader("Auto-Submitted", "auto-replied");
        MultipartReport report = new MultipartReport(text.toString(), ds);
        report.setReturnedMessage(new MessageHeaders(returned) { // sent as text/rfc822-headers
            @Override
            protected void updateHeaders() {
                // the header section as it was: saveChanges() would give it a new Message-ID and MIME-Version
            }
        });
        msg.setContent(report);
        msg.saveChanges();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        msg.writeTo(out);
        return out.toByteArray();
    }

    /** The recipient's status if it fits the action, else the class with unknown detail (RFC 3463 §3.1: X.0.0). */
    private static String status(Action action, String status) {
        return !status.isEmpty() && status.charAt(0) == action.statusClass() ? status : action.statusClass() + ".0.0";
    }

    private static String date(Instant t) {
        return MessagePreparer.date(ZonedDateTime.ofInstant(t, ZoneId.systemDefault()));
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
