package net.rsendmail.queue;

import java.util.Objects;

/**
 * One recipient as stored in the envelope file. Delivered recipients are not stored at all.
 *
 * @param status RFC 3463 code of the last attempt for this recipient, "" if none yet
 * @param text   text of the last attempt, "" if none
 */
public record RecipientState(String address, State state, String status, String text) {

    public enum State { PENDING, FAILED }

    public RecipientState {
        Checks.address(address, false, "recipient");
        Objects.requireNonNull(state, "state");
        status = Checks.status(status);
        text = Checks.text(text);
    }

    public static RecipientState pending(String address) {
        return new RecipientState(address, State.PENDING, "", "");
    }
}
