package net.rsendmail.relay.transport;

import net.rsendmail.lmtp.Reply;

/**
 * What the next hop said for one recipient (RFC 2033 §4.2: LMTP answers each recipient after
 * DATA): taken, or refused with the far side's code, enhanced status and text.
 */
public sealed interface RecipientReply {
    String recipient();

    Reply reply();

    /** The next hop took the message for this recipient. */
    record Accepted(String recipient, Reply reply) implements RecipientReply {
    }

    /** The next hop refused this recipient, for now (4xx) or for good (5xx). */
    record Failed(String recipient, Reply reply) implements RecipientReply {
        public boolean temporary() {
            return reply.code() < 500;
        }
    }

    /** Accepted for a 2xx (and the odd 3xx-free 2yz), Failed for anything else. */
    static RecipientReply of(String recipient, Reply reply) {
        return reply.code() / 100 == 2 ? new Accepted(recipient, reply) : new Failed(recipient, reply);
    }
}
