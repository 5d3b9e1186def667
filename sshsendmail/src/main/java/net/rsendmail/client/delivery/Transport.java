package net.rsendmail.client.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.ssh.LmtpBatch;
import net.rsendmail.client.ssh.RelayModes;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.QueuedMessage;
import org.slf4j.Logger;

/**
 * How messages are handed to the relay, chosen at the first message of a queue runner (and kept
 * by the daemon) or of a synchronous delivery (SPEC §3.3): one exec channel per message
 * ({@link Plain}) or one {@code rsendmail --lmtp} channel for all ({@link Lmtp}). Never throws from {@link #attempt}: every failure is an {@link Outcome}.
 */
sealed interface Transport extends AutoCloseable {
    Logger LOG = ClientLog.get("delivery");

    /** The transport, or the failure that kept the first message from choosing one. */
    record Choice(Transport transport, Outcome failure) {
    }

    /**
     * Plain or LMTP ({@code batch} key; with {@code auto} the relay's answer decides, remembered in
     * {@code modes}). {@code clientName} is the LHLO name.
     */
    static Choice choose(ClientConfig.Batch batch, SshSender sender, RelayModes modes, String clientName) {
        if (batch == ClientConfig.Batch.NO) {
            return new Choice(new Plain(sender), null);
        }
        boolean probe = batch == ClientConfig.Batch.AUTO;
        SshSender.BatchStart bs = sender.openBatch(modes, probe, clientName);
        if (bs.failure() != null) {
            return new Choice(null, bs.failure());
        }
        if (bs.plain()) {
            if (!bs.detail().isEmpty()) {
                LOG.info("{}: plain mode, one channel per message", bs.detail());
            }
            return new Choice(new Plain(sender), null);
        }
        return new Choice(new Lmtp(sender, modes, probe, clientName, bs.batch()), null);
    }

    /** {@code plain} or {@code lmtp}, for the log. */
    String mode();

    /**
     * Hands one message over. {@code tx.envid()} (null: none) makes a retry after a lost
     * acknowledgement exactly-once in LMTP mode; plain mode has no such record.
     */
    Attempt attempt(Transaction tx, SshSender.Content content);

    /** An attempt under way: {@link #finish} completes it, and is called exactly once. */
    interface Started {
        Attempt finish();
    }

    /**
     * A queued message's pending recipients, its queue id as ENVID; {@code requireTls}: config's
     * require_tls. LMTP sends the envelope and the message at once and leaves the replies for
     * {@link Started#finish}, so that the caller can settle the previous message while the relay
     * hands this one on; plain mode does everything in {@code finish}.
     */
    default Started start(Claim c, boolean requireTls) {
        return start(transaction(c, requireTls), c::openBody);
    }

    /**
     * Tells the relay ahead of {@link #start(Claim, boolean)} of the same message, while the one
     * before it is still being handed on: LMTP writes its envelope behind that one (RFC 2920
     * §3.1), so the relay answers it at once; plain mode does nothing. That start must follow.
     */
    default void announce(Claim c, boolean requireTls) {
        // plain mode: one channel per message, nothing to write ahead
    }

    /** The LMTP transaction of a queued message: its pending recipients, its queue id as ENVID. */
    private static Transaction transaction(Claim c, boolean requireTls) {
        QueuedMessage m = c.message();
        return new Transaction(m.sender(), m.pendingRecipients(), m.id().value(), m.size(), requireTls);
    }

    /** {@link #attempt} in two steps (see {@link #start(Claim, boolean)}). */
    default Started start(Transaction tx, SshSender.Content content) {
        return () -> attempt(tx, content);
    }

    @Override
    void close();

    /** {@code rsendmail -f SENDER -- RCPT…} per message: one exit status for all recipients. */
    record Plain(SshSender sender) implements Transport {
        @Override
        public String mode() {
            return "plain";
        }

        @Override
        public Attempt attempt(Transaction tx, SshSender.Content content) {
            if (tx.requireTls()) {
                // RFC 8689 §4.2.1: a plain relay cannot be asked for REQUIRETLS, so the message does not go
                return new Attempt.Whole(ExitCodes.fromReply(new Reply(550, "5.7.30",
                        "REQUIRETLS support required: a plain (non-LMTP) relay cannot be asked for it")));
            }
            return new Attempt.Whole(sender.send(tx.sender(), tx.recipients(), content));
        }

        @Override
        public void close() {
            // the SSH session belongs to the sender
        }
    }

    /** One LMTP transaction per message (ENVID = queue id) on one channel, reopened when it broke. */
    final class Lmtp implements Transport {
        private final SshSender sender;
        private final RelayModes modes;
        private final boolean probe;
        private final String clientName;
        private LmtpBatch batch;
        private boolean used; // the batch carried a transaction before this one

        Lmtp(SshSender sender, RelayModes modes, boolean probe, String clientName, LmtpBatch batch) {
            this.sender = sender;
            this.modes = modes;
            this.probe = probe;
            this.clientName = clientName;
            this.batch = batch;
        }

        @Override
        public String mode() {
            return "lmtp";
        }

        @Override
        public Attempt attempt(Transaction tx, SshSender.Content content) {
            return start(tx, content).finish();
        }

        /**
         * On a channel kept from earlier messages, a transaction that finds it gone (the relay
         * closed it meanwhile, or the link died while idle) is tried once more on a fresh one; the
         * relay's ENVID memory makes that safe even if the first one got through, so only with one.
         */
        @Override
        public Started start(Transaction tx, SshSender.Content content) {
            boolean kept = batch != null && batch.isOpen() && used;
            if (batch == null || !batch.isOpen()) {
                Outcome failure = reopen();
                if (failure != null) {
                    return () -> new Attempt.Whole(failure);
                }
            }
            Started s = transmit(tx, content);
            if (!kept || tx.envid() == null) {
                return s;
            }
            return () -> {
                Attempt a = s.finish();
                if (a instanceof Attempt.Whole w && w.outcome().cause() == Outcome.Cause.CHANNEL_LOST) {
                    Outcome failure = reopen();
                    return failure != null ? new Attempt.Whole(failure) : transmit(tx, content).finish();
                }
                return a;
            };
        }

        /**
         * On the open channel only; a failure here breaks it, and the message's start then finds
         * that and opens a new one.
         */
        @Override
        public void announce(Claim c, boolean requireTls) {
            if (batch == null || !batch.isOpen()) {
                return;
            }
            try {
                batch.offer(transaction(c, requireTls));
            } catch (IOException | RuntimeException e) {
                LOG.debug("id={} envelope not written ahead: {}", c.id(), e.getMessage());
            }
        }

        /** A fresh channel; the failure if there is none. */
        private Outcome reopen() {
            close();
            SshSender.BatchStart bs = sender.openBatch(modes, probe, clientName);
            if (bs.failure() != null) {
                return bs.failure();
            }
            if (bs.plain()) { // the relay changed under us: this message waits for the next try
                return Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", bs.detail());
            }
            batch = bs.batch();
            used = false;
            return null;
        }

        private static Attempt unreadable(IOException e) {
            return new Attempt.Whole(Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                    + e.getMessage()));
        }

        private Attempt lost(LmtpBatch on, Exception e) {
            // the relay hands on nothing of a transaction cut short; its ENVID memory covers the rest
            sender.answerLost(on.relay());
            return new Attempt.Whole(Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", "connection to relay "
                    + on.relay() + " lost during the LMTP transaction: " + e.getMessage()));
        }

        /** Sends the envelope and the message on the open batch; the replies are read by {@link Started#finish}. */
        private Started transmit(Transaction tx, SshSender.Content content) {
            LmtpBatch on = batch;
            InputStream body;
            try {
                body = content.open();
            } catch (IOException e) {
                Attempt a = unreadable(e);
                return () -> a;
            }
            LmtpBatch.Pending pending;
            try {
                pending = on.transmit(tx, body);
            } catch (LmtpBatch.LocalReadException e) {
                Attempt a = unreadable(e);
                return () -> a;
            } catch (IOException | RuntimeException e) {
                Attempt a = lost(on, e);
                return () -> a;
            } finally {
                used = true;
                sender.touch();
                try {
                    body.close();
                } catch (IOException e) {
                    // read to its end already; a file that fails to close changes nothing sent
                }
            }
            return () -> {
                List<Reply> replies;
                try {
                    replies = pending.finish();
                } catch (IOException | RuntimeException e) {
                    return lost(on, e);
                } finally {
                    sender.touch();
                }
                return perRecipient(tx.recipients(), replies);
            };
        }

        private static Attempt perRecipient(List<String> recipients, List<Reply> replies) {
            Map<String, Outcome> out = new LinkedHashMap<>();
            for (int i = 0; i < recipients.size(); i++) {
                out.put(recipients.get(i), ExitCodes.fromReply(replies.get(i)));
            }
            return new Attempt.PerRecipient(out);
        }

        @Override
        public void close() {
            if (batch != null) {
                batch.close();
                batch = null;
            }
        }
    }
}
