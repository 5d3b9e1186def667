package net.rsendmail.client.message;

import java.io.IOException;
import net.rsendmail.mail.Refusal;

/** Thrown from inside a message stream when the message itself is unusable (EX_DATAERR). */
public final class BadMessageException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Refusal refusal;

    public BadMessageException(Refusal refusal) {
        super(refusal.line(), null);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** The BadMessageException somewhere in the cause chain of {@code t}, or null. */
    public static BadMessageException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BadMessageException b) {
                return b;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
