package net.rsendmail.queue;

import java.util.List;

/**
 * The SMTP envelope of a message: sender ("" is the null sender, {@code <>}) and recipients.
 * Addresses must not contain whitespace, control characters or angle brackets; such input is
 * refused here with {@link IllegalArgumentException}, before anything is written.
 */
public record Envelope(String sender, List<String> recipients) {

    public Envelope {
        Checks.address(sender, true, "sender");
        if (recipients == null) {
            throw new IllegalArgumentException("recipients is null");
        }
        for (String r : recipients) {
            Checks.address(r, false, "recipient");
        }
        recipients = List.copyOf(recipients);
    }

    public boolean isNullSender() {
        return sender.isEmpty();
    }
}
