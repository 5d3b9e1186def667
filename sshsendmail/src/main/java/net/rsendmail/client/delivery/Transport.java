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
 * How messages are handed to the relay, chosen once per queue run or synchronous delivery (SPEC
 * §3.3): one exec channel per message ({@link Plain}) or one {@code rsendmail --lmtp} channel for
 * all ({@link Lmtp}). Never throws from {@link #attempt}: every failure is an {@link Outcome}.
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

    /** A queued message's pending recipients, its queue id as ENVID. */
    default Attempt attempt(Claim c) {
        QueuedMessage m = c.message();
        return attempt(new Transaction(m.sender(), m.pendingRecipients(), m.id().value(), m.size()), c::openBody);
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
            if (batch == null || !batch.isOpen()) {
                close();
                SshSender.BatchStart bs = sender.openBatch(modes, probe, clientName);
                if (bs.failure() != null) {
                    return new Attempt.Whole(bs.failure());
                }
                if (bs.plain()) { // the relay changed under us: this message waits for the next try
                    return new Attempt.Whole(Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", bs.detail()));
                }
                batch = bs.batch();
            }
            List<String> pending = tx.recipients();
            List<Reply> replies;
            InputStream body;
            try {
                body = content.open();
            } catch (IOException e) {
                return new Attempt.Whole(Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                        + e.getMessage()));
            }
            try (body) {
                replies = batch.send(tx, body);
            } catch (LmtpBatch.LocalReadException e) {
                return new Attempt.Whole(Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                        + e.getMessage()));
            } catch (IOException | RuntimeException e) {
                // the relay hands on nothing of a transaction cut short; its ENVID memory covers the rest
                sender.answerLost(batch.relay());
                return new Attempt.Whole(Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", "connection to relay "
                        + batch.relay() + " lost during the LMTP transaction: " + e.getMessage()));
            } finally {
                sender.touch();
            }
            Map<String, Outcome> out = new LinkedHashMap<>();
            for (int i = 0; i < pending.size(); i++) {
                out.put(pending.get(i), ExitCodes.fromReply(replies.get(i)));
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
