package net.rsendmail.queue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One line of {@code sshsendmail -bp}: where the message is and what is known about it.
 *
 * @param claimedByPid for {@link Status#CLAIMED}: the pid of the runner holding it, else 0
 * @param delayWarned  when the sender was warned of the delay, null if never
 * @param reportOf     for a delivery status notification: the message it reports on, else null
 */
public record QueueEntry(QueueId id, Status status, Instant created, long size, String sender,
                         List<RecipientState> recipients, int attempts, Instant nextAttempt,
                         String lastStatus, String lastError, int submitterUid, long claimedByPid,
                         Instant delayWarned, QueuedMessage.ReportOf reportOf) {

    /** QUEUED: waiting in queue/; CLAIMED: a runner is delivering it; FAILED: in failed/. */
    public enum Status { QUEUED, CLAIMED, FAILED }

    public QueueEntry {
        recipients = List.copyOf(recipients);
    }

    static QueueEntry of(QueuedMessage m, Status status, long pid) {
        return new QueueEntry(m.id(), status, m.created(), m.size(), m.sender(), m.recipients(),
                m.attempts(), m.nextAttempt(), m.lastStatus(), m.lastError(), m.submitterUid(), pid,
                m.delayWarned(), m.reportOf());
    }

    public Duration age(Instant now) {
        return Duration.between(created, now);
    }
}
