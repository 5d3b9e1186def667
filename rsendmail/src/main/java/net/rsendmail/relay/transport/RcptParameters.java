package net.rsendmail.relay.transport;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP client, with each RCPT command's own RFC 3461 parameters (NOTIFY §4.1, ORCPT
 * §4.2): its API sets NOTIFY once per message and has no ORCPT. The parameters were checked when
 * the client gave them (CommandParser) and are appended as they are.
 */
final class RcptParameters extends SMTPTransport {
    private static final String RCPT = "RCPT TO:<";
    private Map<String, String> parameters = Map.of();

    RcptParameters(Session session, String protocol, boolean implicitTls) {
        super(session, new URLName(protocol, null, -1, null, null, null), protocol, implicitTls);
    }

    /** For the next message: recipient address → {@code " NOTIFY=… ORCPT=…"}. */
    void parameters(Map<String, String> byRecipient) {
        parameters = Map.copyOf(byRecipient);
    }

    @Override
    protected void sendCommand(String cmd) throws MessagingException {
        if (cmd.startsWith(RCPT)) {
            int close = cmd.indexOf('>', RCPT.length());
            String extra = close < 0 ? null : parameters.get(cmd.substring(RCPT.length(), close));
            if (extra != null && close == cmd.length() - 1) {
                cmd = cmd + extra;
            }
        }
        super.sendCommand(cmd);
    }
}
