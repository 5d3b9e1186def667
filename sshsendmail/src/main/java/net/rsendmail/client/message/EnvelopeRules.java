package net.rsendmail.client.message;

import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.queue.Envelope;

/**
 * What the relay refuses in an envelope, checked before mail is queued (at submission, and at
 * the maildrop pickup, since a local user can write a drop file by hand): the sender is empty
 * (null sender) or, like every recipient, an RFC 5321 mailbox with a domain ({@link Mailbox}:
 * no leading '-', no quoting, no control characters).
 */
public final class EnvelopeRules {
    private EnvelopeRules() {
    }

    /** Null if the relay would take the envelope, else which address is wrong and why. */
    public static String problem(Envelope e) {
        if (!e.isNullSender()) {
            String p = problem(e.sender());
            if (p != null) {
                return "sender " + p;
            }
        }
        for (String r : e.recipients()) {
            String p = problem(r);
            if (p != null) {
                return "recipient " + p;
            }
        }
        return null;
    }

    private static String problem(String address) {
        try {
            Mailbox.parse(address, false);
            return null;
        } catch (AddressException x) {
            return "<" + address + ">: " + x.getMessage();
        }
    }
}
