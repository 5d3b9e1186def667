package net.rsendmail.client.dkim;

/** A DKIM key cannot be used; the message says which key and what to fix. */
public final class KeyProblem extends Exception {
    private static final long serialVersionUID = 1L;

    public KeyProblem(String message) {
        super(message);
    }
}
