package net.rsendmail.dns;

/** The DNS set-up cannot be used (no server, unreadable trust anchor); the message says why. */
public final class DnsSetupException extends Exception {
    public DnsSetupException(String message) {
        super(message);
    }
}
