package net.rsendmail.relay.transport;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import java.io.OutputStream;
import java.util.Map;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Angus Mail's SMTP client, with each RCPT command's own RFC 3461 parameters (NOTIFY §4.1, ORCPT
 * §4.2): its API sets NOTIFY once per message and has no ORCPT. The parameters were checked when
 * the client gave them (CommandParser) and are appended as they are. It also tells whether a
 * transaction lost the connection before DATA, when nothing of the message had been sent.
 */
final class RcptParameters extends SMTPTransport {
    private static final String RCPT = "RCPT TO:<";
    private Map<String, String> parameters = Map.of();
    private boolean dataSent;
    private boolean lost;

    RcptParameters(Session session, String protocol, boolean implicitTls) {
        super(session, new URLName(protocol, null, -1, null, null, null), protocol, implicitTls);
    }

    /** For the next message: recipient address → {@code " NOTIFY=… ORCPT=…"}. */
    void parameters(Map<String, String> byRecipient) {
        parameters = Map.copyOf(byRecipient);
        dataSent = false;
        lost = false;
    }

    /** The transaction begun by {@link #parameters} ended at a closed connection before DATA was sent. */
    boolean lostBeforeData() {
        return lost && !dataSent;
    }

    @Override
    protected OutputStream data() throws MessagingException {
        dataSent = true;
        return super.data();
    }

    @Override
    protected int readServerResponse() throws MessagingException {
        try {
            int code = super.readServerResponse();
            lost |= code == -1; // end of stream (Angus: -1), or no reply code at all
            return code;
        } catch (MessagingException e) {
            lost = true;
            throw e;
        }
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
        try {
            super.sendCommand(cmd);
        } catch (MessagingException e) {
            lost = true; // Angus: the write failed
            throw e;
        }
    }
}
