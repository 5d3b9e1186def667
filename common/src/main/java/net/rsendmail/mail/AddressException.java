package net.rsendmail.mail;

/** An address that does not parse; the message says why, in a few words. */
public final class AddressException extends Exception {
    private static final long serialVersionUID = 1L;

    public AddressException(String reason) {
        super(reason, null, false, false);
    }
}
