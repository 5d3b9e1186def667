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
 * @param delayWarned  when its sender was sent a delay warning (RFC 3464 action "delayed"), null if never
 * @param reportOf     for a delivery status notification this queue made: the message it reports on, else null
 */
public record QueuedMessage(QueueId id, String sender, List<RecipientState> recipients, int attempts,
                            Instant nextAttempt, String lastStatus, String lastError, int submitterUid,
                            Instant created, long size, Instant delayWarned, ReportOf reportOf) {

    /**
     * What a delivery status notification is about, kept with it so that when it cannot be
     * delivered either both failures can be told.
     *
     * @param original the queue id of the message it reports on
     * @param reason   why that message failed or is delayed (one line)
     */
    public record ReportOf(QueueId original, String reason) {
        public ReportOf {
            Objects.requireNonNull(original, "original");
            reason = Checks.text(reason);
        }
    }

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

    /** A message that was never warned about and reports on nothing. */
    public QueuedMessage(QueueId id, String sender, List<RecipientState> recipients, int attempts,
                         Instant nextAttempt, String lastStatus, String lastError, int submitterUid,
                         Instant created, long size) {
        this(id, sender, recipients, attempts, nextAttempt, lastStatus, lastError, submitterUid, created, size,
                null, null);
    }

    /** The same message with a new delivery state; everything else is kept. */
    QueuedMessage withState(List<RecipientState> rcpts, int attemptCount, Instant next, String status, String error) {
        return new QueuedMessage(id, sender, rcpts, attemptCount, next, status, error, submitterUid, created, size,
                delayWarned, reportOf);
    }

    /** The same message, its sender warned of the delay at {@code at}. */
    QueuedMessage warnedAt(Instant at) {
        return new QueuedMessage(id, sender, recipients, attempts, nextAttempt, lastStatus, lastError, submitterUid,
                created, size, Objects.requireNonNull(at, "at"), reportOf);
    }

    /** The same message with another body length (what admission added). */
    QueuedMessage withSize(long length) {
        return new QueuedMessage(id, sender, recipients, attempts, nextAttempt, lastStatus, lastError, submitterUid,
                created, length, delayWarned, reportOf);
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
