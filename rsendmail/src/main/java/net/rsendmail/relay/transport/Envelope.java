package net.rsendmail.relay.transport;

import java.util.List;
import java.util.Map;
import net.rsendmail.mail.Refusal;

/**
 * What goes to the next hop besides the message bytes: the validated envelope and the client's
 * delivery requests.
 *
 * @param sender     "" for the null sender, null to let the next hop choose
 * @param recipients validated, without duplicates, in order
 * @param envid      RFC 3461 ENVID, or null
 * @param ret        RFC 3461 RET ({@code FULL} or {@code HDRS}), or null
 * @param dsnNotify     RFC 3461 NOTIFY shared by every recipient, or null when not given (or not shared)
 * @param requireTls RFC 8689 REQUIRETLS: only over verified TLS to a next hop that offers it
 * @param dsn        RFC 3461 NOTIFY and ORCPT of each recipient that gave either
 */
public record Envelope(String sender, List<String> recipients, String envid, String ret, String dsnNotify,
        boolean requireTls, Map<String, RecipientDsn> dsn) {
    public Envelope {
        recipients = List.copyOf(recipients);
        dsn = Map.copyOf(dsn);
    }

    public Envelope(String sender, List<String> recipients, String envid, String ret, String dsnNotify,
            boolean requireTls) {
        this(sender, recipients, envid, ret, dsnNotify, requireTls, Map.of());
    }

    /** A plain envelope: no DSN requests, no REQUIRETLS. */
    public static Envelope of(String sender, List<String> recipients) {
        return new Envelope(sender, recipients, null, null, null, false);
    }

    public Envelope withRecipients(List<String> others) {
        return new Envelope(sender, others, envid, ret, dsnNotify, requireTls, dsn);
    }

    /** One recipient's RFC 3461 requests: NOTIFY (§4.1) and ORCPT (§4.2, {@code addr-type;xtext}), each or null. */
    public record RecipientDsn(String notifyOn, String orcpt) {
    }

    /**
     * The sender for MAIL FROM (RFC 5321 §4.1.1.2): "" for the null sender; refused when neither
     * {@code -f} nor a single From address gave one.
     */
    String smtpSender() throws Refusal {
        if (sender == null) {
            throw Refusal.usage("no envelope sender (-f) and no single From address: an SMTP next hop needs one");
        }
        return sender;
    }

    /** {@code recipient}'s NOTIFY, else the one shared by all, else null. */
    public String notifyOf(String recipient) {
        RecipientDsn d = dsn.get(recipient);
        return d != null && d.notifyOn() != null ? d.notifyOn() : dsnNotify;
    }
}
