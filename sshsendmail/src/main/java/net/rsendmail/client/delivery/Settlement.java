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
import net.rsendmail.client.config.Durations;
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
 * stays in failed/. One log line per message and attempt.
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
        List<Dsn.Failed> failed = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        List<String> later = new ArrayList<>();
        Outcome firstLater = null;
        Outcome firstFailed = null;
        for (String rcpt : m.pendingRecipients()) {
            Outcome o = attempt.of(rcpt);
            if (o.isDelivered()) {
                results.put(rcpt, RecipientResult.delivered());
                sent.add(rcpt);
            } else if (o.isTemporary() && !expired) {
                results.put(rcpt, RecipientResult.temporary(o.status(), o.text()));
                later.add(rcpt);
                firstLater = firstLater == null ? o : firstLater;
            } else {
                Outcome f = o.isPermanent() ? o : Outcome.permanent(o.cause(), "5.4.7", "message expired after "
                        + Durations.format(config.maxLifetime()) + " in the queue; last error: " + o.line());
                results.put(rcpt, RecipientResult.permanent(f.status(), f.text()));
                failed.add(new Dsn.Failed(rcpt, f.status(), f.text()));
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
        // the bounce is built and queued while the claim still holds the body, before the results are recorded
        String bounce = "";
        String bounceProblem = null;
        if (!failed.isEmpty() && !m.isNullSender()) {
            try {
                bounce = " dsn=" + bounce(c, m, failed, expired);
            } catch (IOException | jakarta.mail.MessagingException | QueueException | RuntimeException e) {
                bounceProblem = String.valueOf(e.getMessage());
            }
        }
        try {
            c.delivered(results, next);
        } catch (QueueException | RuntimeException e) {
            LOG.error("{} status=unrecorded: cannot record the outcome in the queue ({}); it is tried again",
                    line, e.getMessage());
            return Result.FAILED;
        }
        Result r;
        if (!later.isEmpty()) {
            r = Result.DEFERRED;
            line.append(" status=deferred retry_in=").append(Durations.format(Duration.between(now, next).withNanos(0)));
        } else if (failed.isEmpty()) {
            LOG.info("{} status=sent", line);
            return Result.DELIVERED;
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
            line.append(" failed=").append(brackets(failed.stream().map(Dsn.Failed::address).toList())).append(bounce);
        }
        line.append(' ').append((firstLater != null ? firstLater : firstFailed).line());
        if (firstLater != null && firstFailed != null) {
            line.append("; failed: ").append(firstFailed.line());
        }
        if (r == Result.FAILED && bounceProblem != null) {
            LOG.error("{}", line);
        } else {
            LOG.warn("{}", line);
        }
        return r;
    }

    private QueueId bounce(Claim c, QueuedMessage m, List<Dsn.Failed> failed, boolean expired)
            throws IOException, jakarta.mail.MessagingException, QueueException {
        byte[] dsn;
        try (InputStream body = c.openBody()) {
            dsn = Dsn.build(domain, m.id().value(), m.sender(), m.created(), failed, expired, body);
        }
        return queue.enqueue(new Envelope("", List.of(m.sender())), new ByteArrayInputStream(dsn));
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
