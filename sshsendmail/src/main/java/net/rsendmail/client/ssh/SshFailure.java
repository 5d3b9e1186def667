package net.rsendmail.client.ssh;

import net.rsendmail.client.outcome.Outcome;

/** A relay could not be reached or used; {@link #outcome()} says why, for the exit-code tables. */
public final class SshFailure extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Outcome outcome;

    public SshFailure(Outcome outcome) {
        super(outcome.line(), null, false, false);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }
}
