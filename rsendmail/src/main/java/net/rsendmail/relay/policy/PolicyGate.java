package net.rsendmail.relay.policy;

import java.util.List;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.Printable;

/** The checks of SPEC §2.4, shared by the plain mode and each LMTP transaction. */
public final class PolicyGate {
    private PolicyGate() {
    }

    /** {@code sender} "" is the null sender. */
    public static void checkSender(Policy policy, String sender) throws Refusal {
        if (sender.isEmpty()) {
            if (!policy.nullSender()) {
                throw Refusal.policy("null sender not allowed for this key");
            }
            return;
        }
        if (!policy.senderAllowed(sender)) {
            throw Refusal.policy("sender not allowed for this key: " + Printable.of(sender));
        }
    }

    public static void checkRecipient(Policy policy, String recipient) throws Refusal {
        checkRecipient(policy, null, recipient);
    }

    /** As {@link #checkRecipient(Policy, String)}, with a bounce to the key's own address let through. */
    public static void checkRecipient(Policy policy, String sender, String recipient) throws Refusal {
        if (!policy.recipientAllowed(recipient) && !isOwnBounce(policy, sender, recipient)) {
            throw Refusal.policy("recipient not allowed for this key: " + Printable.of(recipient));
        }
    }

    public static void checkRecipientCount(Policy policy, int count) throws Refusal {
        if (count > policy.maxRecipients()) {
            throw Refusal.tooManyRecipients("too many recipients: " + count + ", at most "
                    + policy.maxRecipients() + " for this key");
        }
    }

    public static void checkRecipients(Policy policy, List<String> recipients) throws Refusal {
        checkRecipientCount(policy, recipients.size());
        for (String r : recipients) {
            checkRecipient(policy, r);
        }
    }

    /**
     * A bounce back to this key's own senders: null sender, recipients on the command line, and
     * each of them an allowed sender of a key that has a sender list. Its From is the reporting
     * MTA's (MAILER-DAEMON), so header_from_match and the recipient list do not apply to it
     * (RFC 3464 §2: a DSN goes to the envelope sender); it can only reach addresses the key may
     * send as, so a stolen key gains nothing by it.
     */
    public static boolean isBounceToSelf(Policy policy, String sender, boolean extract, List<String> recipients) {
        if (extract || recipients.isEmpty()) {
            return false;
        }
        for (String r : recipients) {
            if (!isOwnBounce(policy, sender, r)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOwnBounce(Policy policy, String sender, String recipient) {
        return sender != null && sender.isEmpty() && !policy.senders().isEmpty() && policy.senderAllowed(recipient);
    }

    /** header_from_match: every From address must be a valid mailbox and an allowed sender. */
    public static void checkHeaderFrom(Policy policy, List<String> from) throws Refusal {
        if (from.isEmpty()) {
            throw Refusal.policy("header From missing; this key must send with an allowed From");
        }
        for (String f : from) {
            if (!Mailbox.isValid(f, false)) {
                throw Refusal.policy("header From is not a valid address: " + Printable.of(f));
            }
            if (!policy.senderAllowed(f)) {
                throw Refusal.policy("header From not allowed for this key: " + Printable.of(f));
            }
        }
    }

    /** No -f: the single From address, as a user expects; none, with a sender list, is refused. */
    public static String defaultSender(Policy policy, List<String> from) throws Refusal {
        if (from.size() == 1 && Mailbox.isValid(from.get(0), false)) {
            checkSender(policy, from.get(0));
            return from.get(0);
        }
        if (!policy.senders().isEmpty()) {
            throw Refusal.policy("no envelope sender (-f) and no single From address to take it from");
        }
        return null;
    }
}
