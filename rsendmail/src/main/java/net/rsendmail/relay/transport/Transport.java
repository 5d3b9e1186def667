package net.rsendmail.relay.transport;

import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.spool.Spool;

/** Where an accepted message goes next (SPEC §2.3 step 3, §2.6). Lives as long as one request or LMTP channel. */
public interface Transport extends AutoCloseable {
    /**
     * Hands the message over and returns the next hop's reply for each of {@code envelope}'s
     * recipients, in their order; throws when the message as a whole went nowhere (then nothing
     * was handed over for any recipient).
     *
     * @param skip byte ranges of the spool's head to leave out (Bcc fields), ascending
     */
    List<RecipientReply> deliver(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal;

    /**
     * Whether this transport honours RFC 8689 REQUIRETLS (only verified TLS to a next hop that
     * offers it), so that the relay's LMTP may offer it.
     */
    default boolean honoursRequireTls() {
        return false;
    }

    /** Ends what the transport keeps open between messages (an SMTP connection). */
    @Override
    default void close() {
    }
}
