package net.rsendmail.queue;

import java.util.Objects;

/**
 * Outcome of one delivery attempt for one recipient, as reported to {@link Claim#delivered}.
 *
 * @param enhancedStatus RFC 3463 code such as "5.1.1", or "" if the relay gave none
 * @param text           the relay's reply text (kept to one line, at most 1000 characters)
 */
public record RecipientResult(Kind kind, String enhancedStatus, String text) {

    public enum Kind { DELIVERED, TEMPORARY, PERMANENT }

    public RecipientResult {
        Objects.requireNonNull(kind, "kind");
        enhancedStatus = Checks.status(enhancedStatus);
        text = Checks.text(text);
    }

    public static RecipientResult delivered() {
        return new RecipientResult(Kind.DELIVERED, "", "");
    }

    public static RecipientResult temporary(String enhancedStatus, String text) {
        return new RecipientResult(Kind.TEMPORARY, enhancedStatus, text);
    }

    public static RecipientResult permanent(String enhancedStatus, String text) {
        return new RecipientResult(Kind.PERMANENT, enhancedStatus, text);
    }
}
