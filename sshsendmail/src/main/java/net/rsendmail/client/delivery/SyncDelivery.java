package net.rsendmail.client.delivery;

import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.ssh.RelayModes;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.lmtp.Transaction;

/**
 * One message handed over while the calling MTA waits for one exit status (Postfix pipe(8),
 * nullmailer): through the same {@link Transport} as queue runs, so as one LMTP transaction on
 * one {@code rsendmail --lmtp} channel when the relay offers it ({@code batch}), else in plain
 * mode. The MTA keeps the queue; the relay's mode is remembered in memory only (pipe(8) runs as
 * a user that cannot write sshsendmail's queue), so {@code batch auto} asks a plain relay each time.
 */
public final class SyncDelivery {
    private SyncDelivery() {
    }

    /** One outcome for all of {@code tx}'s recipients ({@link ExitCodes#summary}). Never throws. */
    public static Outcome deliver(ClientConfig config, SshSender ssh, Transaction tx, SshSender.Content content) {
        Transport.Choice choice = Transport.choose(config.batch(), ssh, new RelayModes(null),
                Identity.domain(config.domain()));
        if (choice.failure() != null) {
            return choice.failure();
        }
        try (Transport t = choice.transport()) {
            Attempt a = t.attempt(tx.withRequireTls(config.requireTls()), content);
            if (a instanceof Attempt.PerRecipient p) {
                return ExitCodes.summary(tx.recipients(), p.outcomes());
            }
            return ((Attempt.Whole) a).outcome();
        }
    }
}
