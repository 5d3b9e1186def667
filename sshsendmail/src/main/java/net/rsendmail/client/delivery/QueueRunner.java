package net.rsendmail.client.delivery;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import net.rsendmail.client.cli.QueueSelector;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.config.Durations;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.ssh.RelayModes;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;
import org.slf4j.Logger;

/**
 * Delivers what is due in the queue over one SSH session (SPEC §3.3), through one
 * {@link Transport} (LMTP batch or one channel per message, the relay's mode remembered in
 * {@link RelayModes}), chosen at the first message and kept from run to run until {@link #close}
 * (the daemon closes it when idle), so a warm daemon hands each message to the relay process
 * already running; every attempt's per-recipient results go through the one {@link Settlement}.
 * Once {@code stopping} says so, no further message is taken, and one whose attempt failed
 * meanwhile (its channel cut at shutdown) goes back to the queue as it was.
 */
public final class QueueRunner implements AutoCloseable {
    private static final Logger LOG = ClientLog.get("delivery");

    private final ClientConfig config;
    private final MailQueue queue;
    private final SshSender sender;
    private final String domain;
    private final Settlement settlement;
    private final RelayModes modes;
    private final BooleanSupplier stopping;
    private Transport transport;

    public QueueRunner(ClientConfig config, MailQueue queue, SshSender sender, String domain) {
        this(config, queue, sender, domain, () -> false);
    }

    public QueueRunner(ClientConfig config, MailQueue queue, SshSender sender, String domain,
                       BooleanSupplier stopping) {
        this.stopping = stopping;
        this.config = config;
        this.queue = queue;
        this.sender = sender;
        this.domain = domain;
        this.settlement = new Settlement(config, queue, domain);
        this.modes = new RelayModes(queue.directory().resolve(RelayModes.FILE));
    }

    /** Totals of one run. */
    public record Summary(int delivered, int deferred, int bounced, int failed) {
        static final Summary NONE = new Summary(0, 0, 0, 0);

        public int total() {
            return delivered + deferred + bounced + failed;
        }

        Summary plus(Summary o) {
            return new Summary(delivered + o.delivered, deferred + o.deferred, bounced + o.bounced, failed + o.failed);
        }

        /** 0 when nothing attempted is left deferred, else 75 (TEMPFAIL), like postqueue -f's caller expects. */
        public SysExit exit() {
            return deferred > 0 ? SysExit.TEMPFAIL : SysExit.OK;
        }

        /** {@code 3 delivered, 1 deferred (next try in 1m), 0 bounced}; {@code nextTry} only with deferred mail. */
        public String line(Duration nextTry) {
            return delivered + " delivered, " + deferred + " deferred"
                    + (deferred > 0 && nextTry != null ? " (next try in " + Durations.approximate(nextTry) + ")" : "")
                    + ", " + bounced + " bounced" + (failed > 0 ? ", " + failed + " failed (kept in failed/)" : "");
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
        return run(now, QueueSelector.ALL, new HashSet<>());
    }

    /**
     * {@code -q}: attempts every queued message that {@code selector} picks once, whatever its
     * next-attempt time (like postqueue -f), and so also those that enter the queue meanwhile
     * (maildrop pickups, bounces).
     */
    public Summary flush(QueueSelector selector) {
        Set<QueueId> seen = new HashSet<>();
        Summary total = Summary.NONE;
        while (true) {
            Summary s = run(Instant.MAX, selector, seen);
            if (s.total() == 0) {
                return total;
            }
            total = total.plus(s);
            pickup();
        }
    }

    /**
     * Delivers the messages due at {@code now} that {@code selector} picks and {@code seen} lacks;
     * adds them to it. While the relay hands a message on, the previous one is settled and the
     * next one claimed and announced (its envelope written behind), so that the relay answers it
     * as soon as it has answered the one before and the message follows at once.
     */
    private Summary run(Instant now, QueueSelector selector, Set<QueueId> seen) {
        int[] counts = new int[Settlement.Result.values().length];
        Run run = new Run();
        Answered answered = null; // the last attempt, not yet settled
        Iterator<QueueId> due = queue.due(now).iterator();
        Optional<Claim> next = nextClaim(due, selector, seen);
        try {
            while (next.isPresent() && !stopping.getAsBoolean()) {
                Claim c = next.get();
                next = Optional.empty();
                boolean held = false; // for its settlement, after the next message's transmission
                try {
                    Transport.Started started = run.start(c);
                    Attempt a;
                    try {
                        settle(answered, counts);
                        next = nextClaim(due, selector, seen);
                        next.ifPresent(run::announce);
                    } finally {
                        answered = null;
                        a = started.finish();
                    }
                    if (a instanceof Attempt.Whole w && !w.outcome().isDelivered() && stopping.getAsBoolean()) {
                        LOG.info("id={} stopping: the attempt was cut short ({}); the message stays queued as it was",
                                c.id(), w.outcome().line());
                        continue; // released unchanged: no attempt counted, due as before
                    }
                    answered = new Answered(c, run.mode, a);
                    held = true;
                } finally {
                    if (!held) {
                        c.close();
                    }
                }
            }
        } finally {
            try {
                settle(answered, counts);
            } finally {
                if (next.isPresent()) { // claimed and announced, not sent: released unchanged
                    next.get().close();
                    close(); // its envelope waits on the channel, which can only be dropped
                }
            }
        }
        Summary s = new Summary(counts[Settlement.Result.DELIVERED.ordinal()],
                counts[Settlement.Result.DEFERRED.ordinal()], counts[Settlement.Result.BOUNCED.ordinal()],
                counts[Settlement.Result.FAILED.ordinal()]);
        if (config.metricsFile() != null) {
            QueueMetrics.afterRun(config.metricsFile(), queue, s, Instant.now());
        }
        return s;
    }

    /** An attempt's result, its claim still held until it is settled. */
    private record Answered(Claim claim, String mode, Attempt attempt) {
    }

    private void settle(Answered a, int[] counts) {
        if (a == null) {
            return;
        }
        try (Claim c = a.claim()) {
            counts[settlement.apply(c, a.mode(), a.attempt()).ordinal()]++;
        }
    }

    /** Closes the kept transport (QUIT on an LMTP channel); the next message chooses one again. */
    @Override
    public void close() {
        if (transport != null) {
            transport.close();
            transport = null;
        }
    }

    /** The next message of {@code due} to send, claimed; those the selector leaves are released unchanged. */
    private Optional<Claim> nextClaim(Iterator<QueueId> due, QueueSelector selector, Set<QueueId> seen) {
        while (due.hasNext() && !stopping.getAsBoolean()) {
            QueueId id = due.next();
            if (selector.excludes(id) || !seen.add(id)) {
                continue;
            }
            Optional<Claim> oc = claim(id);
            if (oc.isEmpty()) {
                continue;
            }
            if (selector.selects(oc.get().message())) {
                return oc;
            }
            oc.get().close();
        }
        return Optional.empty();
    }

    private Optional<Claim> claim(QueueId id) {
        try {
            return queue.claim(id);
        } catch (QueueException e) {
            LOG.warn("id={} cannot claim: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * One run: the kept transport, chosen at its first message if there is none (and again after a
     * failure to open it); after a failure that stops the run, the rest are deferred with it,
     * without a new try, and the transport is dropped, so the next run starts afresh.
     */
    private final class Run {
        private Outcome stop;
        private String mode = "none";

        /** The attempt for {@code c} under way (see {@link Transport#start(Claim, boolean)}). */
        Transport.Started start(Claim c) {
            if (stop != null) {
                Outcome s = stop;
                return () -> new Attempt.Whole(s);
            }
            if (transport == null) {
                Transport.Choice choice = Transport.choose(config.batch(), sender, modes, domain);
                transport = choice.transport();
                if (choice.failure() != null) {
                    return () -> stopped(new Attempt.Whole(choice.failure()));
                }
            }
            mode = transport.mode();
            Transport.Started started = transport.start(c, config.requireTls());
            return () -> stopped(started.finish());
        }

        /** {@link Transport#announce} of {@code c}, whose start comes next. */
        void announce(Claim c) {
            if (stop == null && transport != null) {
                transport.announce(c, config.requireTls());
            }
        }

        /** {@code a}, after a failure that stops the run has stopped it. */
        private Attempt stopped(Attempt a) {
            if (a instanceof Attempt.Whole w && w.outcome().stopsTheRun()) {
                stop = w.outcome();
                QueueRunner.this.close();
            }
            return a;
        }
    }

    /**
     * What still waits: the earliest next attempt in queue/ (null if nothing is there), whether
     * another runner holds messages that may come back, and the maildrop's backlog.
     */
    public record Backlog(Instant nextDue, boolean claimed, int maildrop) {
        public boolean isEmpty() {
            return nextDue == null && !claimed && maildrop == 0;
        }
    }

    public Backlog backlog() {
        Instant next = null;
        boolean claimed = false;
        try {
            for (QueueEntry e : queue.list()) {
                if (e.status() == QueueEntry.Status.QUEUED && (next == null || e.nextAttempt().isBefore(next))) {
                    next = e.nextAttempt();
                }
                claimed |= e.status() == QueueEntry.Status.CLAIMED;
            }
        } catch (QueueException e) {
            if (!Files.isDirectory(queue.directory())) {
                LOG.warn("the queue directory {} is gone", queue.directory());
                return new Backlog(null, false, 0);
            }
            LOG.warn("cannot list the queue: {}", e.getMessage());
            next = Instant.now().plus(config.retryMin()); // look again later rather than leave mail behind
        }
        return new Backlog(next, claimed, queue.maildropBacklog());
    }
}
