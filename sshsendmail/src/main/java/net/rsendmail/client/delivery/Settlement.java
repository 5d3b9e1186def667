package net.rsendmail.client.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.bounce.Dsn;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.config.Durations;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import net.rsendmail.queue.RecipientResult;
import org.slf4j.Logger;

/**
 * The one step that applies an {@link Attempt} to a claimed message, whatever the transport:
 * accepted recipients leave the queue, temporary failures are deferred with backoff until the max
 * lifetime, after which they expire (5.4.7, RFC 3463); permanent refusals and expired recipients
 * are bounced with one RFC 3464 DSN, except for a null-sender message (RFC 5321 §4.5.5), which
 * stays in failed/. A message still deferred after {@code delay_warning} gets one RFC 3464
 * "delayed" DSN, once in its life. One log line per message and attempt.
 */
final class Settlement {
    private static final Logger LOG = ClientLog.get("delivery");

    /** What became of the message as a whole, for the run's totals. */
    enum Result { DELIVERED, DEFERRED, BOUNCED, FAILED }

    private final ClientConfig config;
    private final MailQueue queue;
    private final Backoff backoff;
    private final String domain;

    Settlement(ClientConfig config, MailQueue queue, String domain) {
        this.config = config;
        this.queue = queue;
        this.domain = domain;
        this.backoff = new Backoff(config.retryMin(), config.retryMax());
    }

    Result apply(Claim c, String mode, Attempt attempt) {
        QueuedMessage m = c.message();
        Instant now = Instant.now();
        Instant giveUp = m.created().plus(config.maxLifetime());
        boolean expired = giveUp.isBefore(now);
        Map<String, RecipientResult> results = new LinkedHashMap<>();
        List<Dsn.Recipient> failed = new ArrayList<>();
        List<Dsn.Recipient> later = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        Outcome firstLater = null;
        Outcome firstFailed = null;
        for (String rcpt : m.pendingRecipients()) {
            Outcome o = attempt.of(rcpt);
            if (o.isDelivered()) {
                results.put(rcpt, RecipientResult.delivered());
                sent.add(rcpt);
            } else if (o.isTemporary() && !expired) {
                results.put(rcpt, RecipientResult.temporary(o.status(), o.text()));
                later.add(new Dsn.Recipient(rcpt, o.status(), o.text()));
                firstLater = firstLater == null ? o : firstLater;
            } else {
                Outcome f = o.isPermanent() ? o : Outcome.permanent(o.cause(), "5.4.7", "message expired after "
                        + Durations.format(config.maxLifetime()) + " in the queue; last error: " + o.line());
                results.put(rcpt, RecipientResult.permanent(f.status(), f.text()));
                failed.add(new Dsn.Recipient(rcpt, f.status(), f.text()));
                firstFailed = firstFailed == null ? f : firstFailed;
            }
        }
        Instant next = now.plus(firstLater != null && firstLater.cause() == Outcome.Cause.CONFIG ? config.retryMin()
                : backoff.after(m.attempts() + 1));
        if (next.isAfter(giveUp)) {
            next = giveUp.plusSeconds(1); // the last try falls just after the lifetime: then it expires
        }
        StringBuilder line = new StringBuilder("id=").append(m.id()).append(" from=<").append(m.sender())
                .append("> to=").append(brackets(m.pendingRecipients())).append(" size=").append(m.size())
                .append(" attempts=").append(m.attempts() + 1).append(" mode=").append(mode);
        // DSNs are built and queued while the claim still holds the body, before the results are recorded
        String bounce = "";
        String bounceProblem = null;
        if (!failed.isEmpty() && !m.isNullSender()) {
            try {
                bounce = " dsn=" + report(c, Dsn.Action.failed(expired), failed, "failed " + firstFailed.line());
            } catch (IOException | jakarta.mail.MessagingException | QueueException | RuntimeException e) {
                bounceProblem = String.valueOf(e.getMessage());
            }
        }
        String warning = "";
        boolean warningFailed = false;
        if (!later.isEmpty() && delayWarningDue(m, now)) {
            QueueId w = null;
            try {
                w = report(c, Dsn.Action.delayed(giveUp), later, "delayed " + firstLater.line());
                c.delayWarned(now); // on disk at once: no later run warns again
                warning = " dsn=" + w + " (delay warning)";
            } catch (IOException | jakarta.mail.MessagingException | QueueException | RuntimeException e) {
                warningFailed = true;
                warning = w == null ? " (the delay warning could not be queued: " + e.getMessage() + ")"
                        : " dsn=" + w + " (delay warning, not recorded: " + e.getMessage() + "; it may be sent again)";
            }
        }
        try {
            c.delivered(results, next);
        } catch (QueueException | RuntimeException e) {
            LOG.error("{}{}{} status=unrecorded: cannot record the outcome in the queue ({}); it is tried again",
                    line, bounce, warning, e.getMessage());
            return Result.FAILED;
        }
        Result r;
        QueuedMessage.ReportOf about = m.reportOf();
        if (!later.isEmpty()) {
            r = Result.DEFERRED;
            line.append(" status=deferred retry_in=").append(Durations.format(Duration.between(now, next).withNanos(0)));
        } else if (failed.isEmpty()) {
            LOG.info("{} status=sent", line);
            return Result.DELIVERED;
        } else if (m.isNullSender() && about != null) {
            r = Result.FAILED;
            line.append(" status=failed (a DSN that cannot be delivered either: kept in failed/)");
        } else if (m.isNullSender()) {
            r = Result.FAILED;
            line.append(" status=failed (null sender: no bounce, kept in failed/)");
        } else if (bounceProblem != null) {
            r = Result.FAILED;
            line.append(" status=failed (kept in failed/; the bounce could not be queued: ").append(bounceProblem)
                    .append(')');
        } else {
            r = Result.BOUNCED;
            line.append(" status=bounced");
        }
        if (!sent.isEmpty()) {
            line.append(" sent=").append(brackets(sent));
        }
        if (!failed.isEmpty()) {
            line.append(" failed=").append(brackets(failed.stream().map(Dsn.Recipient::address).toList()))
                    .append(bounce);
        }
        line.append(warning);
        line.append(' ').append((firstLater != null ? firstLater : firstFailed).line());
        if (firstLater != null && firstFailed != null) {
            line.append("; failed: ").append(firstFailed.line());
        }
        if (r == Result.FAILED && about != null) {
            // both reasons: a DSN is never bounced (RFC 5321 §4.5.5), so the admin is the only one to learn of either
            line.append("; original message ").append(about.original()).append(' ').append(about.reason());
        }
        if ((r == Result.FAILED && bounceProblem != null) || warningFailed) {
            LOG.error("{}", line);
        } else {
            LOG.warn("{}", line);
        }
        return r;
    }

    /** delay_warning reached (0 = off), never warned, and someone to tell (RFC 5321 §4.5.5: never the null sender). */
    private boolean delayWarningDue(QueuedMessage m, Instant now) {
        return !config.delayWarning().isZero() && m.delayWarned() == null && !m.isNullSender()
                && !m.created().plus(config.delayWarning()).isAfter(now);
    }

    /** Queues a DSN about the claimed message to its sender; {@code reason} is kept with it (report-of). */
    private QueueId report(Claim c, Dsn.Action action, List<Dsn.Recipient> recipients, String reason)
            throws IOException, jakarta.mail.MessagingException, QueueException {
        QueuedMessage m = c.message();
        byte[] dsn;
        try (InputStream body = c.openBody()) {
            dsn = Dsn.build(domain, m.id().value(), m.sender(), m.created(), action, recipients, body);
        }
        return queue.enqueue(new Envelope("", List.of(m.sender())), new ByteArrayInputStream(dsn),
                new QueuedMessage.ReportOf(m.id(), reason));
    }

    static String brackets(List<String> rcpts) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (String r : rcpts) {
            if (n > 0) {
                b.append(',');
            }
            if (n++ == 10) {
                b.append("...");
                break;
            }
            b.append('<').append(r).append('>');
        }
        return b.toString();
    }
}
