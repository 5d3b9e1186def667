package net.rsendmail.relay.accept;

import java.util.List;

/**
 * One message's envelope as the client asked for it, whichever way it talked.
 *
 * @param sender the envelope sender: null when not given (plain mode without {@code -f}), "" for
 *     the null sender
 * @param recipients validated envelope recipients, in order
 * @param extract {@code -t}: also take recipients from the header
 * @param envid the client's RFC 3461 ENVID (its queue id), null when it sent none
 */
public record Submission(String sender, List<String> recipients, boolean extract, String envid) {
    public Submission {
        recipients = List.copyOf(recipients);
    }
}
