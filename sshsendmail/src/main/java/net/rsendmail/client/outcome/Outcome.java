package net.rsendmail.client.outcome;

import java.util.Objects;

/**
 * The result of one attempt to hand a message to a relay, or of a failure before that.
 *
 * @param status    RFC 3463 enhanced status code
 * @param text      one line for the caller and the log
 * @param relayExit the relay's exit status for {@link Cause#RELAY}, else -1
 */
public record Outcome(Kind kind, Cause cause, String status, String text, int relayExit) {

    /** Whether the message went through, can be tried again, or never will. */
    public enum Kind { DELIVERED, TEMPORARY, PERMANENT }

    /** What happened, as finely as the exit-code tables need it (SPEC §3.4). */
    public enum Cause {
        /** The relay took the message (exit 0). */
        DELIVERED,
        /** The relay's host name did not resolve. */
        DNS,
        /** TCP connection refused. */
        REFUSED,
        /** TCP connect or SSH handshake timed out. */
        TIMEOUT,
        /** No route to the relay. */
        UNREACHABLE,
        /** Host key unknown, changed or revoked. */
        HOST_KEY,
        /** The relay did not accept our key. */
        AUTH,
        /** The connection or channel went away before the relay's exit status came. */
        CHANNEL_LOST,
        /** Any other SSH-level failure (key exchange, protocol). */
        SSH,
        /** The relay ran and exited with {@code relayExit}. */
        RELAY,
        /** Our own configuration (config file, key file) is unusable. */
        CONFIG,
        /** The message could not be read locally. */
        LOCAL_IO,
        /** The queue's administrator returned the message ({@code --bounce}). */
        ADMIN
    }

    public Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(status, "status");
        text = text == null ? "" : oneLine(text);
    }

    public static Outcome delivered() {
        return new Outcome(Kind.DELIVERED, Cause.DELIVERED, "2.0.0", "delivered", 0);
    }

    public static Outcome temporary(Cause cause, String status, String text) {
        return new Outcome(Kind.TEMPORARY, cause, status, text, -1);
    }

    public static Outcome permanent(Cause cause, String status, String text) {
        return new Outcome(Kind.PERMANENT, cause, status, text, -1);
    }

    public boolean isDelivered() {
        return kind == Kind.DELIVERED;
    }

    public boolean isTemporary() {
        return kind == Kind.TEMPORARY;
    }

    public boolean isPermanent() {
        return kind == Kind.PERMANENT;
    }

    /** Failures of the link to the relay, where another relay may do better. */
    public boolean triesNextRelay() {
        switch (cause) {
            case DNS: case REFUSED: case TIMEOUT: case UNREACHABLE: case HOST_KEY: case AUTH: case SSH:
                return true;
            default:
                return false;
        }
    }

    /**
     * A temporary failure of the relay link or of our own set-up: every other message of this run
     * would meet it too, so they are deferred without a new try.
     */
    public boolean stopsTheRun() {
        return isTemporary() && (triesNextRelay() || cause == Cause.CONFIG);
    }

    /** {@code X.Y.Z text}: what the caller sees and the log records. */
    public String line() {
        return status + " " + text;
    }

    private static String oneLine(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 500));
        for (int i = 0; i < s.length() && b.length() < 500; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString().strip();
    }
}
