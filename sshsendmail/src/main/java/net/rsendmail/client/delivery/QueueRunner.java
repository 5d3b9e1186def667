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
import net.rsendmail.client.ssh.LmtpBatch;
import net.rsendmail.client.ssh.RelayModes;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import net.rsendmail.queue.RecipientResult;
import org.slf4j.Logger;

/**
 * Delivers what is due in the queue over one SSH session (SPEC §3.3): to a relay that speaks
 * {@code rsendmail --lmtp}, one exec channel for all of them with per-recipient results (ENVID =
 * queue id); to any other, one exec channel per message (the relay's mode is probed once and
 * remembered, see {@link RelayModes}); delivered messages leave the queue; temporary failures are retried with
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
    private final RelayModes modes;

    public QueueRunner(ClientConfig config, MailQueue queue, SshSender sender, String domain) {
        this.config = config;
        this.queue = queue;
        this.sender = sender;
        this.domain = domain;
        this.backoff = new Backoff(config.retryMin(), config.retryMax());
        this.modes = new RelayModes(queue.directory().resolve(RelayModes.FILE));
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
        int[] counts = new int[Result.values().length];
        Outcome linkDown = null; // after a relay-wide failure the rest are deferred without a new try
        boolean plain = config.batch() == ClientConfig.Batch.NO;
        LmtpBatch batch = null;
        try {
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
                    Result r = null;
                    if (linkDown != null) {
                        r = deliver(c, linkDown);
                    } else if (!plain) {
                        if (batch != null && !batch.isOpen()) {
                            batch.close();
                            batch = null;
                        }
                        if (batch == null) {
                            SshSender.BatchStart bs = sender.openBatch(modes, config.batch() == ClientConfig.Batch.AUTO,
                                    domain);
                            if (bs.failure() != null) {
                                r = deliver(c, bs.failure());
                                if (isLinkWide(bs.failure())) {
                                    linkDown = bs.failure();
                                }
                            } else if (bs.plain()) {
                                plain = true;
                                if (!bs.detail().isEmpty()) {
                                    LOG.info("{}: plain mode, one channel per message", bs.detail());
                                }
                            } else {
                                batch = bs.batch();
                            }
                        }
                        if (r == null && batch != null) {
                            r = deliverBatch(c, batch);
                        }
                    }
                    if (r == null) {
                        QueuedMessage m = c.message();
                        Outcome o = sender.send(m.sender(), m.pendingRecipients(), c::openBody);
                        r = deliver(c, o);
                        if (o.isTemporary() && isLinkWide(o)) {
                            linkDown = o;
                        }
                    }
                    counts[r.ordinal()]++;
                }
            }
        } finally {
            if (batch != null) {
                batch.close();
            }
        }
        return new Summary(counts[Result.DELIVERED.ordinal()], counts[Result.DEFERRED.ordinal()],
                counts[Result.BOUNCED.ordinal()], counts[Result.FAILED.ordinal()]);
    }

    private enum Result { DELIVERED, DEFERRED, BOUNCED, FAILED }

    private static boolean isLinkWide(Outcome o) {
        switch (o.cause()) {
            case DNS: case REFUSED: case TIMEOUT: case UNREACHABLE: case HOST_KEY: case AUTH: case SSH: case CONFIG:
                return true;
            default:
                return false;
        }
    }

    /**
     * One message in an LMTP transaction (ENVID = queue id): each recipient's reply is recorded
     * on its own, so accepted ones are never sent again; the permanently refused are bounced.
     */
    private Result deliverBatch(Claim c, LmtpBatch batch) {
        QueuedMessage m = c.message();
        List<String> pending = m.pendingRecipients();
        InputStream body;
        try {
            body = c.openBody();
        } catch (IOException e) {
            return deliver(c, Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                    + e.getMessage()));
        }
        List<Reply> replies;
        try (body) {
            replies = batch.send(new Transaction(m.sender(), pending, m.id().value(), m.size()), body);
        } catch (LmtpBatch.LocalReadException e) {
            return deliver(c, Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                    + e.getMessage()));
        } catch (IOException | RuntimeException e) {
            // the relay hands on nothing of a transaction cut short; its ENVID memory covers the rest
            return deliver(c, Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", "connection to relay "
                    + batch.relay() + " lost during the LMTP transaction: " + e.getMessage()));
        }
        sender.touch();
        Instant now = Instant.now();
        Instant giveUp = m.created().plus(config.maxLifetime());
        boolean expired = giveUp.isBefore(now);
        Instant next = now.plus(backoff.after(m.attempts() + 1));
        if (next.isAfter(giveUp)) {
            next = giveUp.plusSeconds(1);
        }
        Map<String, RecipientResult> results = new LinkedHashMap<>();
        List<Dsn.Failed> failedNow = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        List<String> later = new ArrayList<>();
        String lastTemporary = "";
        for (int i = 0; i < pending.size(); i++) {
            String rcpt = pending.get(i);
            Reply r = replies.get(i);
            if (r.positive()) {
                results.put(rcpt, RecipientResult.delivered());
                sent.add(rcpt);
            } else if (r.temporary() && !expired) {
                results.put(rcpt, RecipientResult.temporary(status(r, '4'), r.text()));
                later.add(rcpt);
                lastTemporary = r.toString();
            } else if (r.temporary()) {
                String text = "message expired after " + Durations.format(config.maxLifetime())
                        + " in the queue; last error: " + r;
                results.put(rcpt, RecipientResult.permanent("5.4.7", text));
                failedNow.add(new Dsn.Failed(rcpt, "5.4.7", text));
            } else {
                results.put(rcpt, RecipientResult.permanent(status(r, '5'), r.text()));
                failedNow.add(new Dsn.Failed(rcpt, status(r, '5'), r.text()));
            }
        }
        String what = "id=" + m.id() + " from=<" + m.sender() + "> size=" + m.size() + " attempts="
                + (m.attempts() + 1) + " mode=lmtp";
        try {
            c.delivered(results, next);
        } catch (QueueException | RuntimeException e) {
            LOG.error("{} to={} cannot record the replies in the queue: {}", what, brackets(pending), e.getMessage());
            return Result.FAILED;
        }
        if (!sent.isEmpty()) {
            LOG.info("{} to={} status=sent", what, brackets(sent));
        }
        if (!later.isEmpty()) {
            LOG.warn("{} to={} status=deferred retry_in={} {}", what, brackets(later),
                    Durations.format(Duration.between(now, next).withNanos(0)), lastTemporary);
        }
        if (failedNow.isEmpty()) {
            return later.isEmpty() ? Result.DELIVERED : Result.DEFERRED;
        }
        List<String> refused = failedNow.stream().map(Dsn.Failed::address).toList();
        String first = failedNow.get(0).status() + " " + failedNow.get(0).diagnostic();
        if (m.isNullSender()) {
            LOG.warn("{} to={} status=failed (null sender: no bounce) {}", what, brackets(refused), first);
            return Result.FAILED;
        }
        try {
            QueueId dsn = bounce(c, m, failedNow, expired);
            LOG.warn("{} to={} status=bounced dsn={} {}", what, brackets(refused), dsn, first);
            return Result.BOUNCED;
        } catch (IOException | jakarta.mail.MessagingException | QueueException | RuntimeException e) {
            LOG.error("{} to={} status=failed, and the bounce could not be queued ({})", what, brackets(refused),
                    e.getMessage());
            return Result.FAILED;
        }
    }

    /** The reply's enhanced status when it has the reply's class, else X.0.0. */
    private static String status(Reply r, char cls) {
        String s = r.status();
        return s != null && s.charAt(0) == cls ? s : cls + ".0.0";
    }

    private Result deliver(Claim c, Outcome o) {
        QueuedMessage m = c.message();
        List<String> pending = m.pendingRecipients();
        Instant now = Instant.now();
        boolean expired = m.created().plus(config.maxLifetime()).isBefore(now);
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
