package net.rsendmail.relay.accept;

import java.util.List;
import java.util.Map;
import net.rsendmail.relay.transport.Envelope;

/**
 * One message's envelope as the client asked for it, whichever way it talked.
 *
 * @param sender the envelope sender: null when not given (plain mode without {@code -f}), "" for
 *     the null sender
 * @param recipients validated envelope recipients, in order
 * @param extract {@code -t}: also take recipients from the header
 * @param envid the client's RFC 3461 ENVID (its queue id), null when it sent none
 * @param ret RFC 3461 RET, null when not given
 * @param dsnNotify RFC 3461 NOTIFY common to every recipient, null when not given or not common
 * @param requireTls RFC 8689 REQUIRETLS
 * @param dsn each recipient's own NOTIFY and ORCPT, where given
 */
public record Submission(String sender, List<String> recipients, boolean extract, String envid, String ret,
        String dsnNotify, boolean requireTls, Map<String, Envelope.RecipientDsn> dsn) {
    public Submission {
        recipients = List.copyOf(recipients);
        dsn = Map.copyOf(dsn);
    }

    /** Without DSN requests or REQUIRETLS (plain mode). */
    public Submission(String sender, List<String> recipients, boolean extract, String envid) {
        this(sender, recipients, extract, envid, null, null, false, Map.of());
    }
}
