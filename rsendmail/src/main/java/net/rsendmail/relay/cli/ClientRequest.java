package net.rsendmail.relay.cli;

import java.util.List;

/**
 * What the client asked for, after the grammar accepted it.
 *
 * @param sender the envelope sender: null when not given, "" for the null sender {@code <>}
 * @param recipients the envelope recipients from the command line, validated
 * @param extractRecipients {@code -t}: also take recipients from To, Cc and Bcc
 */
public record ClientRequest(Mode mode, String sender, List<String> recipients, boolean extractRecipients) {
    public enum Mode { SEND, LMTP, VERSION, HELP }

    public boolean nullSender() {
        return sender != null && sender.isEmpty();
    }
}
