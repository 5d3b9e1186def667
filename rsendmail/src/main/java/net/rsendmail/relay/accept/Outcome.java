package net.rsendmail.relay.accept;

import java.util.List;
import net.rsendmail.mail.Refusal;

/** What became of one message: the same four answers in every mode. */
public sealed interface Outcome {
    /** The transport took it for {@code handedOver} (the others were accepted earlier for its ENVID). */
    record Accepted(List<String> handedOver) implements Outcome {
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
