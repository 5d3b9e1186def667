package net.rsendmail.client.delivery;

import java.util.Map;
import net.rsendmail.client.outcome.Outcome;

/** What one delivery attempt yielded for each pending recipient of one message. */
sealed interface Attempt {

    /** The outcome for {@code recipient}, one of the message's pending recipients. */
    Outcome of(String recipient);

    /** One outcome for the whole message: plain mode, or a failure before any recipient was answered. */
    record Whole(Outcome outcome) implements Attempt {
        @Override
        public Outcome of(String recipient) {
            return outcome;
        }
    }

    /** One outcome per recipient (LMTP, RFC 2033 §4.2). */
    record PerRecipient(Map<String, Outcome> outcomes) implements Attempt {
        public PerRecipient {
            outcomes = Map.copyOf(outcomes);
        }

        @Override
        public Outcome of(String recipient) {
            Outcome o = outcomes.get(recipient);
            if (o == null) {
                throw new IllegalArgumentException("no outcome for <" + recipient + ">");
            }
            return o;
        }
    }
}
