package net.rsendmail.relay.accept;

import java.util.List;
import java.util.Optional;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.transport.RecipientReply;

/** What became of one message: the same four answers in every mode. */
public sealed interface Outcome {
    /**
     * The transport answered for each recipient handed over (those accepted earlier for the
     * message's ENVID are not among them).
     */
    record Handed(List<RecipientReply> replies) implements Outcome {
        public Handed {
            replies = List.copyOf(replies);
        }

        /** The recipients the next hop took. */
        public List<String> accepted() {
            return replies.stream().filter(r -> r instanceof RecipientReply.Accepted).map(RecipientReply::recipient)
                    .toList();
        }

        /**
         * The failure that decides a one-answer mode's exit (plain mode): a temporary one first, so
         * the client keeps the mail and a retry can still reach that recipient; else the first
         * permanent one; empty when every recipient was taken.
         */
        public Optional<RecipientReply.Failed> worst() {
            RecipientReply.Failed permanent = null;
            for (RecipientReply r : replies) {
                if (r instanceof RecipientReply.Failed f) {
                    if (f.temporary()) {
                        return Optional.of(f);
                    }
                    if (permanent == null) {
                        permanent = f;
                    }
                }
            }
            return Optional.ofNullable(permanent);
        }
    }

    /** Every recipient was already accepted for this ENVID: nothing handed over again. */
    record Duplicate() implements Outcome {
    }

    /** Refused before or by the hand-over; nothing was handed over. */
    record Refused(Refusal refusal) implements Outcome {
    }

    /** The input ended inside the message (LMTP): nothing handed over, the connection is gone. */
    record Cut() implements Outcome {
    }
}
