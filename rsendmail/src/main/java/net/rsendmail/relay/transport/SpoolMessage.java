package net.rsendmail.relay.transport;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import net.rsendmail.relay.spool.Spool;
import org.eclipse.angus.mail.smtp.SMTPMessage;

/**
 * The message exactly as the client sent it, for {@code SMTPTransport.sendMessage}: the spool's
 * bytes with the Bcc ranges left out, never parsed or re-rendered (no new Message-ID, no header
 * changes), so that a DKIM signature survives. Angus Mail's DATA stream adds the CRLF line ends
 * and dot-stuffing (RFC 5321 §4.5.2). Only the envelope parts of {@link SMTPMessage} are used.
 */
final class SpoolMessage extends SMTPMessage {
    private final Spool spool;
    private final List<int[]> skip;

    SpoolMessage(Session session, Spool spool, List<int[]> skip) {
        super(session);
        this.spool = spool;
        this.skip = skip;
    }

    @Override
    public void writeTo(OutputStream os) throws IOException {
        spool.writeTo(os, skip);
    }

    @Override
    public void writeTo(OutputStream os, String[] ignoreList) throws IOException {
        spool.writeTo(os, skip);
    }

    /** Nothing to save: the bytes are the client's (Transport.send would call this; sendMessage does not). */
    @Override
    public void saveChanges() throws MessagingException {
    }
}
