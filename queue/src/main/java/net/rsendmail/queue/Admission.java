package net.rsendmail.queue;

/**
 * What is added to a message as it enters the private queue, on both ways in: the owner's
 * {@link MailQueue#enqueue} and the maildrop pickup. It runs once; the queued bytes never change
 * afterwards. Everything of the submitted message stays byte for byte; {@link Insert} only adds.
 */
@FunctionalInterface
public interface Admission {
    /** Queues messages as they come. */
    Admission AS_IS = (envelope, message) -> Insert.NONE;

    /** {@code bytes} go in before offset {@code at} of the message. */
    record Insert(int at, byte[] bytes) {
        public static final Insert NONE = new Insert(0, new byte[0]);
    }

    /**
     * The message cannot be queued now; the text says what to fix. The owner's enqueue refuses
     * (exit 78, EX_CONFIG); a maildrop file stays in the maildrop and the next pickup tries again.
     */
    final class NotNow extends Exception {
        private static final long serialVersionUID = 1L;

        public NotNow(String message) {
            super(message);
        }
    }

    Insert admit(Envelope envelope, byte[] message) throws NotNow;

    /**
     * Asked by the owner's {@link MailQueue#enqueue} before {@link #admit}: true sends the message
     * through the maildrop instead, so that {@link #admit} runs in the next {@link MailQueue#pickup()}
     * (a runner's or the daemon's) and not in the caller, who then waits only for the maildrop
     * file. A check that fails here refuses the message as {@link #admit} would.
     */
    default boolean atPickup(Envelope envelope, byte[] message) throws NotNow {
        return false;
    }
}
