package net.rsendmail.relay.accept;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.Printable;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.relay.log.RequestLine;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.policy.PolicyGate;
import net.rsendmail.relay.policy.RateLimiter;
import net.rsendmail.relay.spool.Spool;
import net.rsendmail.relay.state.EnvidStore;
import net.rsendmail.relay.transport.Envelope;
import net.rsendmail.relay.transport.RecipientReply;
import net.rsendmail.relay.transport.Transport;

/**
 * The one acceptance step (SPEC §2.3, §2.4) that every mode runs for every message, so that a
 * key's policy means the same thing however the client talks: envelope policy, spool and size
 * limit, the header section (one size limit), {@code -t} and Bcc, header From alignment, the
 * default sender, recipient policy and count, the exactly-once record, the rate limit, the
 * hand-over, and one log line.
 */
public final class Acceptance {
    private final RelayConfig config;
    private final Policy policy;
    private final Transport transport;
    private final IdleWatch watch;
    private final String mode;
    /** Committed exactly-once records, still locked, whose sync waits for {@link #syncRecords}. */
    private final List<Unsynced> unsynced = new ArrayList<>();

    private record Unsynced(EnvidStore.Record record, String envid) {
    }

    public Acceptance(RelayConfig config, Policy policy, Transport transport, IdleWatch watch, String mode) {
        this.config = config;
        this.policy = policy;
        this.transport = transport;
        this.watch = watch;
        this.mode = mode;
    }

    public Policy policy() {
        return policy;
    }

    /** Whether messages with RFC 8689 REQUIRETLS can be taken: the transport can keep that promise. */
    public boolean honoursRequireTls() {
        return transport.honoursRequireTls();
    }

    /** A log line for this mode and policy, for failures outside a message (commands, sessions). */
    public RequestLine line() {
        return new RequestLine(mode).policy(policy.name());
    }

    /** The log status of a refusal: {@code refused EXIT STATUS REASON}. */
    public static String refused(Refusal r) {
        return "refused " + r.exit().code() + " " + r.line();
    }

    /** Writes {@code line} where this relay logs. */
    public void log(RequestLine line, boolean failure, String status) {
        line.write(config.log(), failure, status);
    }

    /** Runs the whole step for one message read from {@code message}; writes its log line. */
    public Outcome accept(Submission s, InputStream message) {
        RequestLine line = line().sender(s.sender()).recipients(s.recipients()).envid(s.envid());
        Outcome o;
        try {
            o = run(s, message, line);
        } catch (Refusal r) {
            o = new Outcome.Refused(r);
        } catch (EOFException e) {
            o = new Outcome.Cut();
        }
        if (o instanceof Outcome.Handed h) {
            Optional<RecipientReply.Failed> worst = h.worst();
            log(line, worst.isPresent(), status(h));
        } else if (o instanceof Outcome.Duplicate) {
            log(line, false, "duplicate");
        } else if (o instanceof Outcome.Refused r) {
            log(line, true, refused(r.refusal()));
        } else {
            log(line, true, "lost connection in DATA, nothing handed on");
        }
        return o;
    }

    /** {@code sent}, or which recipients the next hop refused and what it said. */
    private static String status(Outcome.Handed h) {
        StringBuilder b = new StringBuilder();
        int taken = 0;
        for (RecipientReply r : h.replies()) {
            if (r instanceof RecipientReply.Failed f) {
                b.append("; ").append(Printable.of(f.recipient())).append(": ").append(f.reply().line());
            } else {
                taken++;
            }
        }
        if (b.length() == 0) {
            return "sent";
        }
        return (taken == 0 ? "refused by next hop" : "sent to " + taken + " of " + h.replies().size()) + b;
    }

    private Outcome run(Submission s, InputStream message, RequestLine line) throws Refusal, EOFException {
        if (s.extract() && !policy.allowExtract()) {
            throw Refusal.policy("-t not allowed for this key");
        }
        String sender = s.sender();
        if (sender != null) {
            PolicyGate.checkSender(policy, sender);
        }
        boolean bounceToSelf = PolicyGate.isBounceToSelf(policy, sender, s.extract(), s.recipients());
        if (bounceToSelf) {
            PolicyGate.checkRecipientCount(policy, s.recipients().size());
        } else {
            PolicyGate.checkRecipients(policy, s.recipients());
        }
        if (s.recipients().isEmpty() && !s.extract()) {
            throw Refusal.usage("no recipients");
        }
        try (Spool spool = Spool.read(message, policy.maxSize(), config.spoolDir())) {
            line.size(spool.size());
            List<String> recipients = s.recipients();
            List<int[]> skip = List.of();
            if (s.extract() || policy.headerFromMatch() || sender == null) {
                HeaderBlock headers = headers(spool);
                if (s.extract()) {
                    recipients = withHeaderRecipients(recipients, headers);
                    line.recipients(recipients);
                    skip = headers.blindCopyRanges();
                }
                List<String> from = addresses(headers, "From");
                if (policy.headerFromMatch() && !bounceToSelf) {
                    PolicyGate.checkHeaderFrom(policy, from);
                }
                if (sender == null) {
                    sender = PolicyGate.defaultSender(policy, from);
                    line.sender(sender);
                }
            }
            List<String> unique = List.copyOf(new LinkedHashSet<>(recipients));
            Envelope envelope = new Envelope(sender, unique, s.envid(), s.ret(), s.dsnNotify(), s.requireTls(), s.dsn());
            if (s.envid() == null) {
                return new Outcome.Handed(handOver(envelope, spool, skip));
            }
            return once(envelope, spool, skip);
        }
    }

    /**
     * Makes the exactly-once records of the messages answered so far durable and unlocks them.
     * The caller runs it whenever it would wait for its client (the sync overlaps the round
     * trip) and before it ends: a record committed but not yet synced is already seen by every
     * process, and only a crash of the whole machine in that moment can lose it, which lets a
     * retry hand the message over twice, as the window before the commit does (SPEC §2.5).
     */
    public void syncRecords() {
        for (Unsynced u : unsynced) {
            try (EnvidStore.Record r = u.record()) {
                r.sync();
            } catch (IOException e) {
                // The MTA has the message and the client was answered 250: the page cache still has the record.
                log(line().envid(u.envid()), true, "exactly-once record not synced (" + OsReason.of(e)
                        + "); a retry of this ENVID after a crash would be handed over again");
            }
        }
        unsynced.clear();
    }

    /**
     * Exactly-once (SPEC §2.5): reserve before the hand-over, so that the record can never fail
     * after it; the committed record is synced by {@link #syncRecords}.
     */
    private Outcome once(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal {
        String envid = envelope.envid();
        List<String> recipients = envelope.recipients();
        syncRecords(); // the one before may be this ENVID's: its lock is this thread's
        EnvidStore store = new EnvidStore(config.stateDir(), policy.name());
        EnvidStore.Record record;
        try {
            record = store.open(envid);
        } catch (IOException e) {
            throw Refusal.temporary("cannot keep the exactly-once record in " + config.stateDir() + ": "
                    + OsReason.of(e));
        }
        boolean kept = false;
        try {
            List<String> todo = new ArrayList<>();
            for (String r : recipients) {
                if (!record.accepted(r)) {
                    todo.add(r);
                }
            }
            if (todo.isEmpty()) {
                return new Outcome.Duplicate();
            }
            try {
                record.reserve(todo);
            } catch (IOException e) {
                throw Refusal.temporary("cannot keep the exactly-once record in " + config.stateDir() + ": "
                        + OsReason.of(e));
            }
            List<RecipientReply> replies;
            try {
                replies = handOver(envelope.withRecipients(todo), spool, skip);
            } catch (Refusal r) {
                try {
                    record.release();
                } catch (IOException e) {
                    // Harmless: a reservation counts as not accepted, so a retry is handed over.
                    log(line().envid(envid), true, "exactly-once reservation not removed: " + OsReason.of(e));
                }
                throw r;
            }
            Outcome.Handed handed = new Outcome.Handed(replies);
            try {
                // Only what the next hop took: a refused recipient is handed over again on a retry.
                record.commit(handed.accepted());
                unsynced.add(new Unsynced(record, envid));
                kept = true;
            } catch (IOException e) {
                // The MTA has the message: answering anything but 250 would make the client send it again.
                log(line().envid(envid), true, "exactly-once record not confirmed (" + OsReason.of(e)
                        + "); a retry of this ENVID would be handed over again");
            }
            return handed;
        } finally {
            if (!kept) {
                close(record, envid);
            }
        }
    }

    private void close(EnvidStore.Record record, String envid) {
        try {
            record.close();
        } catch (IOException e) {
            log(line().envid(envid), true, "exactly-once record not closed: " + OsReason.of(e));
        }
    }

    private List<RecipientReply> handOver(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal {
        if (policy.maxPerHour() > 0) {
            new RateLimiter(config.stateDir(), policy.name(), policy.maxPerHour())
                    .acquire(System.currentTimeMillis() / 1000);
        }
        List<RecipientReply> replies = watch.busy(() -> transport.deliver(envelope, spool, skip));
        if (replies.size() != envelope.recipients().size()) {
            // A transport bug must not lose mail: nothing is confirmed, the client keeps it.
            throw Refusal.temporary("internal error: " + replies.size() + " replies for "
                    + envelope.recipients().size() + " recipients");
        }
        return replies;
    }

    /** The header section, as the relay MTA will read it; one that does not fit in memory is refused. */
    private static HeaderBlock headers(Spool spool) throws Refusal {
        HeaderBlock headers = HeaderBlock.parse(spool.head(), spool.headLength());
        if (headers.end() == spool.headLength() && spool.hasMore()) {
            throw Refusal.data("header section larger than " + Spool.MEMORY + " bytes");
        }
        return headers;
    }

    /** -t: command-line recipients plus those of the header (sendmail's -t fields), without duplicates, in order. */
    private List<String> withHeaderRecipients(List<String> given, HeaderBlock headers) throws Refusal {
        Set<String> all = new LinkedHashSet<>(given);
        for (String a : addresses(headers, headers.recipientFieldNames().toArray(String[]::new))) {
            try {
                all.add(Mailbox.parse(a, policy.allowBareLocal()).toString());
            } catch (AddressException e) {
                throw Refusal.data("bad address in header (" + e.getMessage() + "): " + Printable.of(a));
            }
        }
        if (all.isEmpty()) {
            throw Refusal.data("no recipients in " + String.join(", ", headers.recipientFieldNames()));
        }
        List<String> list = List.copyOf(all);
        PolicyGate.checkRecipients(policy, list);
        return list;
    }

    private static List<String> addresses(HeaderBlock headers, String... names) throws Refusal {
        try {
            return headers.addresses(names);
        } catch (AddressException e) {
            throw Refusal.data("unparsable header: " + e.getMessage());
        }
    }
}
