package net.rsendmail.client.delivery;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import net.rsendmail.queue.RecipientState;
import org.slf4j.Logger;

/**
 * The queue's administrator at work ({@code --requeue}, {@code --delete}, {@code --bounce}, like
 * postsuper(1) {@code -r} and {@code -d}): by id or ALL, each message taken with the claim a runner
 * uses, so that none is touched while it is being delivered. One log line per message; a bounce is
 * settled by the runner's own {@link Settlement}, so its DSN is the one a refusal would give.
 */
public final class QueueAdmin {
    private static final Logger LOG = ClientLog.get("admin");

    /** The word that selects every message. */
    public static final String ALL = "ALL";

    /** The RFC 3463 status and text a message returned by the administrator bounces with. */
    static final Outcome RETURNED = Outcome.permanent(Outcome.Cause.ADMIN, "5.0.0",
            "returned by the queue's administrator");

    /** What an operation does to one claimed message. */
    public enum Operation {
        REQUEUE("requeued"), DELETE("deleted"), BOUNCE("bounced");

        private final String done;

        Operation(String done) {
            this.done = done;
        }

        /** Past tense, for the summary ("Deleted: 2 message(s)"). */
        public String done() {
            return done;
        }

        /** The command-line flag: {@code --requeue}, {@code --delete}, {@code --bounce}. */
        public String flag() {
            return "--" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** How many messages were handled, and one refusal per id that was not. */
    public record Report(int done, List<Refusal> problems) {
        public Report {
            problems = List.copyOf(problems);
        }

        /** 0, or the exit code of the first id that was not handled. */
        public int exit() {
            return problems.isEmpty() ? 0 : problems.get(0).exit().code();
        }
    }

    /** The messages an operation applies to: every one, or those named. */
    public record Selection(boolean all, List<QueueId> ids) {
        public Selection {
            ids = List.copyOf(ids);
        }
    }

    private final MailQueue queue;
    private final Settlement settlement;

    public QueueAdmin(ClientConfig config, MailQueue queue, String domain) {
        this.queue = queue;
        this.settlement = new Settlement(config, queue, domain);
    }

    /**
     * The ids named by {@code words}: queue ids, or {@link #ALL}. A word that is neither is a usage
     * error, before anything is done.
     */
    public static Selection parse(List<String> words) throws Refusal {
        if (words.isEmpty()) {
            throw Refusal.usage("which messages? give queue ids (sshsendmail -bp lists them) or ALL");
        }
        Set<QueueId> ids = new LinkedHashSet<>();
        for (String w : words) {
            if (w.equals(ALL)) {
                return new Selection(true, List.of());
            }
            try {
                ids.add(QueueId.parse(w));
            } catch (IllegalArgumentException e) {
                throw Refusal.usage("not a queue id: " + CommandLineParser.show(w)
                        + " (sshsendmail -bp lists them; ALL for every message)");
            }
        }
        return new Selection(false, List.copyOf(ids));
    }

    /** Applies {@code op} to the selected messages, each under its claim. */
    public Report run(Operation op, Selection which) throws QueueException {
        List<QueueId> todo = new ArrayList<>();
        if (which.all()) {
            for (QueueEntry e : queue.list()) {
                // a failed message was bounced (or kept for a null sender) when it failed
                if (op != Operation.BOUNCE || e.status() != QueueEntry.Status.FAILED) {
                    todo.add(e.id());
                }
            }
        } else {
            todo.addAll(which.ids());
        }
        int done = 0;
        List<Refusal> problems = new ArrayList<>();
        for (QueueId id : todo) {
            Optional<Claim> oc = queue.claimForAdmin(id);
            Refusal r;
            if (oc.isEmpty()) {
                r = notTaken(id);
            } else {
                try (Claim c = oc.get()) {
                    r = apply(op, c);
                }
            }
            if (r == null) {
                done++;
            } else {
                LOG.warn("{}: {}", op.flag(), r.line());
                problems.add(r);
            }
        }
        return new Report(done, problems);
    }

    /** Does {@code op}; null when done, else why not (the claim then puts the message back unchanged). */
    private Refusal apply(Operation op, Claim c) throws QueueException {
        QueuedMessage m = c.message();
        String line = "id=" + m.id() + " from=<" + m.sender() + "> to=" + Settlement.brackets(
                m.recipients().stream().map(RecipientState::address).toList()) + " size=" + m.size();
        switch (op) {
            case REQUEUE:
                c.requeue(Instant.now());
                LOG.info("{} status=requeued by the queue's administrator, due now", line);
                return null;
            case DELETE:
                c.remove();
                LOG.info("{} status=deleted by the queue's administrator", line);
                return null;
            case BOUNCE:
                if (m.pendingRecipients().isEmpty()) {
                    return new Refusal(SysExit.NOUSER, "5.0.0", m.id() + " failed already and is kept in failed/"
                            + " (sshsendmail -bp shows why); --requeue or --delete it");
                }
                // logged by the settlement, as every bounce is
                Settlement.Result r = settlement.apply(c, "admin", new Attempt.Whole(RETURNED));
                return r == Settlement.Result.BOUNCED || r == Settlement.Result.FAILED && m.isNullSender() ? null
                        : Refusal.temporary(m.id() + ": the bounce could not be queued (see the log); the message is"
                        + " kept in failed/");
            default:
                throw new IllegalStateException(op.name());
        }
    }

    /** Why {@code id} could not be claimed: a runner has it, or it is not in the queue. */
    private Refusal notTaken(QueueId id) {
        OptionalLong pid = queue.claimedBy(id);
        if (pid.isPresent()) {
            return new Refusal(SysExit.TEMPFAIL, "4.3.0", id + " is being delivered right now (runner pid "
                    + pid.getAsLong() + "); try again once sshsendmail -bp no longer shows it as sending");
        }
        return new Refusal(SysExit.NOUSER, "5.0.0", id + ": no such message in the queue (delivered or deleted already?)");
    }
}
