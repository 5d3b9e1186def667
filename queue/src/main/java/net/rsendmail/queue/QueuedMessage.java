package net.rsendmail.queue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message's envelope and delivery state as stored in its envelope file.
 *
 * @param lastStatus   RFC 3463 code of the last failed attempt, "" if none
 * @param lastError    text of the last failed attempt, "" if none
 * @param submitterUid uid of the process that queued it (for a maildrop submission: the owner of the drop file)
 * @param size         length of the raw message in bytes
 */
public record QueuedMessage(QueueId id, String sender, List<RecipientState> recipients, int attempts,
                            Instant nextAttempt, String lastStatus, String lastError, int submitterUid,
                            Instant created, long size) {

    public QueuedMessage {
        Objects.requireNonNull(id, "id");
        Checks.address(sender, true, "sender");
        recipients = List.copyOf(recipients);
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts < 0");
        }
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        lastStatus = Checks.status(lastStatus);
        lastError = Checks.text(lastError);
        Objects.requireNonNull(created, "created");
        if (size < 0) {
            throw new IllegalArgumentException("size < 0");
        }
    }

    /** Addresses still to be delivered, in envelope order. */
    public List<String> pendingRecipients() {
        return recipients.stream().filter(r -> r.state() == RecipientState.State.PENDING)
                .map(RecipientState::address).toList();
    }

    /** Recipients refused for good, with their status, for the bounce. */
    public List<RecipientState> failedRecipients() {
        return recipients.stream().filter(r -> r.state() == RecipientState.State.FAILED).toList();
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }
}
