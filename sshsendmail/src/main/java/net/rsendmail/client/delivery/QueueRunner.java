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
import java.util.Optional;
import net.rsendmail.client.bounce.Dsn;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.Durations;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import net.rsendmail.queue.RecipientResult;
import net.rsendmail.queue.RecipientState;
import org.slf4j.Logger;

/**
 * Delivers what is due in the queue over one SSH session (SPEC §3.3, plain mode): one exec
 * channel per message; delivered messages leave the queue; temporary failures are retried with
 * backoff; permanent refusals and messages older than the max lifetime are bounced to their
 * sender with a DSN (null-sender messages are kept in failed/ instead, never bounced).
 */
public final class QueueRunner {
    private static final Logger LOG = ClientLog.get("delivery");

    private final ClientConfig config;
    private final MailQueue queue;
    private final SshSender sender;
    private final String domain;
    private final Backoff backoff;

    public QueueRunner(ClientConfig config, MailQueue queue, SshSender sender, String domain) {
        this.config = config;
        this.queue = queue;
        this.sender = sender;
        this.domain = domain;
        this.backoff = new Backoff(config.retryMin(), config.retryMax());
    }

    /** Totals of one run. */
    public record Summary(int delivered, int deferred, int bounced, int failed) {
        public int total() {
            return delivered + deferred + bounced + failed;
        }
    }

    /** Takes maildrop submissions in and returns stale claims to the queue (queue owner only). */
    public void housekeeping() {
        try {
            Duration stale = config.commandTimeout().multipliedBy(3).plus(Duration.ofMinutes(10));
            int n = queue.recoverStaleClaims(stale);
            if (n > 0) {
                LOG.info("recovered {} message(s) from interrupted delivery runs", n);
            }
        } catch (QueueException e) {
            LOG.warn("cannot recover claims: {}", e.getMessage());
        }
        try {
            int n = queue.pickup();
            if (n > 0) {
                LOG.info("picked up {} message(s) from the maildrop", n);
            }
        } catch (QueueException e) {
            LOG.warn("cannot pick up from the maildrop: {}", e.getMessage());
        }
    }

    /** Takes maildrop submissions in; quiet unless something is wrong. */
    public void pickup() {
        try {
            queue.pickup();
        } catch (QueueException e) {
            LOG.warn("cannot pick up from the maildrop: {}", e.getMessage());
        }
    }

    /** Delivers every message due at {@code now}, once each. */
    public Summary runOnce(Instant now) {
        int delivered = 0;
        int deferred = 0;
        int bounced = 0;
        int failed = 0;
        Outcome linkDown = null; // after a relay-wide failure the rest are deferred without a new try
        for (QueueId id : queue.due(now)) {
            Optional<Claim> oc;
            try {
                oc = queue.claim(id);
            } catch (QueueException e) {
                LOG.warn("id={} cannot claim: {}", id, e.getMessage());
                continue;
            }
            if (oc.isEmpty()) {
                continue;
            }
            try (Claim c = oc.get()) {
                switch (deliver(c, linkDown)) {
                    case DELIVERED:
                        delivered++;
                        break;
                    case DEFERRED:
                        deferred++;
                        break;
                    case BOUNCED:
                        bounced++;
                        break;
                    default:
                        failed++;
                }
                if (lastOutcome != null && lastOutcome.isTemporary() && isLinkWide(lastOutcome)) {
                    linkDown = lastOutcome;
                }
            }
        }
        return new Summary(delivered, deferred, bounced, failed);
    }

    private enum Result { DELIVERED, DEFERRED, BOUNCED, FAILED }

    private Outcome lastOutcome;

    private static boolean isLinkWide(Outcome o) {
        switch (o.cause()) {
            case DNS: case REFUSED: case TIMEOUT: case UNREACHABLE: case HOST_KEY: case AUTH: case SSH: case CONFIG:
                return true;
            default:
                return false;
        }
    }

    private Result deliver(Claim c, Outcome linkDown) {
        QueuedMessage m = c.message();
        List<String> pending = m.pendingRecipients();
        Instant now = Instant.now();
        boolean expired = m.created().plus(config.maxLifetime()).isBefore(now);
        lastOutcome = null;
        Outcome o;
        if (linkDown != null) {
            o = linkDown;
        } else {
            o = sender.send(m.sender(), pending, c::openBody);
            lastOutcome = o;
        }
        String what = "id=" + m.id() + " from=<" + m.sender() + "> to=" + brackets(pending) + " size=" + m.size()
                + " attempts=" + (m.attempts() + 1);
        try {
            if (o.isDelivered()) {
                Map<String, RecipientResult> all = new LinkedHashMap<>();
                for (String r : pending) {
                    all.put(r, RecipientResult.delivered());
                }
                c.delivered(all, now);
                LOG.info("{} status=sent", what);
                return Result.DELIVERED;
            }
            if (o.isTemporary() && !expired) {
                Duration wait = o.cause() == Outcome.Cause.CONFIG ? config.retryMin() : backoff.after(m.attempts() + 1);
                Instant next = now.plus(wait);
                Instant giveUp = m.created().plus(config.maxLifetime());
                if (next.isAfter(giveUp)) {
                    next = giveUp.plusSeconds(1);
                }
                c.defer(o.status(), o.text(), next);
                LOG.warn("{} status=deferred retry_in={} {}", what, Durations.format(Duration.between(now, next)
                        .withNanos(0)), o.line());
                return Result.DEFERRED;
            }
            String status;
            String text;
            if (o.isPermanent()) {
                status = o.status();
                text = o.text();
            } else {
                status = "4.4.7".equals(o.status()) ? o.status() : "5.4.7";
                text = "message expired after " + Durations.format(config.maxLifetime()) + " in the queue; last error: "
                        + o.line();
            }
            Map<String, RecipientResult> results = new LinkedHashMap<>();
            List<Dsn.Failed> failedList = new ArrayList<>();
            for (String r : pending) {
                results.put(r, RecipientResult.permanent(status, text));
                failedList.add(new Dsn.Failed(r, status, text));
            }
            for (RecipientState r : m.failedRecipients()) {
                failedList.add(new Dsn.Failed(r.address(), r.status().isEmpty() ? "5.0.0" : r.status(), r.text()));
            }
            c.delivered(results, now); // all failed: the entry moves to failed/, its body stays readable
            if (m.isNullSender()) {
                LOG.warn("{} status=failed (null sender: no bounce, kept in failed/) {} {}", what, status, text);
                return Result.FAILED;
            }
            try {
                QueueId bounce = bounce(c, m, failedList, !o.isPermanent());
                LOG.warn("{} status=bounced dsn={} {} {}", what, bounce, status, text);
                return Result.BOUNCED;
            } catch (IOException | jakarta.mail.MessagingException | QueueException | RuntimeException e) {
                LOG.error("{} status=failed, and the bounce could not be queued ({}); the message is kept in failed/",
                        what, e.getMessage());
                return Result.FAILED;
            }
        } catch (QueueException e) {
            LOG.error("{} cannot record the outcome {} in the queue: {}", what, o.line(), e.getMessage());
            return Result.FAILED;
        }
    }

    private QueueId bounce(Claim c, QueuedMessage m, List<Dsn.Failed> failed, boolean expired)
            throws IOException, jakarta.mail.MessagingException, QueueException {
        byte[] dsn;
        try (InputStream body = c.openBody()) {
            dsn = Dsn.build(domain, m.id().value(), m.sender(), m.created(), failed, expired, body);
        }
        return queue.enqueue(new Envelope("", List.of(m.sender())), new ByteArrayInputStream(dsn));
    }

    /** When the next queued message is due, or null if none is waiting. */
    public Instant nextDue() {
        try {
            Instant next = null;
            for (QueueEntry e : queue.list()) {
                if (e.status() == QueueEntry.Status.QUEUED && (next == null || e.nextAttempt().isBefore(next))) {
                    next = e.nextAttempt();
                }
            }
            return next;
        } catch (QueueException e) {
            LOG.warn("cannot list the queue: {}", e.getMessage());
            return Instant.now().plus(config.retryMin());
        }
    }

    private static String brackets(List<String> rcpts) {
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
