package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.metrics.Textfile;
import net.rsendmail.metrics.Textfile.Family;
import net.rsendmail.metrics.Textfile.Type;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import org.slf4j.Logger;

/**
 * {@code metrics_file} of sshsendmail.conf: the queue's state and the delivery totals as a
 * Prometheus textfile, written after each queue run (runner, {@code -q}, daemon) while it holds
 * runner.lock, so one writer at a time. The totals live in the file itself: each run adds its
 * own to the ones it finds there, so they count across the short-lived runners.
 */
final class QueueMetrics {
    static final String QUEUED = "sshsendmail_queue_messages";
    static final String OLDEST = "sshsendmail_queue_oldest_message_age_seconds";
    static final String FAILED = "sshsendmail_failed_messages";
    static final String MAILDROP = "sshsendmail_maildrop_messages";
    static final String DELIVERED = "sshsendmail_delivered_messages_total";
    static final String DEFERRED = "sshsendmail_deferred_attempts_total";
    static final String BOUNCED = "sshsendmail_bounced_messages_total";
    static final String LAST_DELIVERY = "sshsendmail_last_delivery_timestamp_seconds";

    private static final Logger LOG = ClientLog.get("metrics");

    private QueueMetrics() {
    }

    /** Adds {@code run} to the totals in {@code file} and writes it anew; a failure is logged, never thrown. */
    static void afterRun(Path file, MailQueue queue, QueueRunner.Summary run, Instant now) {
        try {
            Textfile.write(file, families(queue, Textfile.readIntegers(file), run, now));
        } catch (IOException | QueueException | RuntimeException e) {
            LOG.warn("cannot write metrics_file {}: {}", file, e.getMessage());
        }
    }

    static List<Family> families(MailQueue queue, Map<String, Long> before, QueueRunner.Summary run, Instant now)
            throws QueueException {
        long waiting = 0;
        long failed = 0;
        Duration oldest = Duration.ZERO;
        for (QueueEntry e : queue.list()) {
            if (e.status() == QueueEntry.Status.FAILED) {
                failed++;
                continue;
            }
            waiting++;
            if (e.age(now).compareTo(oldest) > 0) {
                oldest = e.age(now);
            }
        }
        long last = run.delivered() > 0 ? now.getEpochSecond() : before.getOrDefault(LAST_DELIVERY, 0L);
        return List.of(
                Family.of(QUEUED, "Messages waiting in the queue or being delivered.", Type.GAUGE, waiting),
                Family.of(OLDEST, "Age of the oldest of them, 0 when there is none.", Type.GAUGE, oldest.getSeconds()),
                Family.of(FAILED, "Messages given up on and kept in failed/.", Type.GAUGE, failed),
                Family.of(MAILDROP, "Submissions in the maildrop, not yet taken into the queue.", Type.GAUGE,
                        queue.maildropBacklog()),
                counter(DELIVERED, "Messages delivered to the relay.", before, run.delivered()),
                counter(DEFERRED, "Delivery attempts deferred (the message stays queued).", before, run.deferred()),
                counter(BOUNCED, "Messages bounced to their sender or kept in failed/.", before,
                        run.bounced() + run.failed()),
                Family.of(LAST_DELIVERY, "When a message was last delivered (Unix time), 0 if never.", Type.GAUGE, last));
    }

    private static Family counter(String name, String help, Map<String, Long> before, long added) {
        return Family.of(name, help, Type.COUNTER, before.getOrDefault(name, 0L) + added);
    }
}
