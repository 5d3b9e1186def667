package net.rsendmail.lmtp;

import java.util.List;

/**
 * One message for {@link LmtpClient#send}: envelope, the ENVID that makes retries exactly-once
 * (RFC 3461; the sending queue's id), the raw message size, and whether it may only travel over
 * verified TLS (RFC 8689 REQUIRETLS).
 *
 * @param sender "" for the null sender
 */
public record Transaction(String sender, List<String> recipients, String envid, long size, boolean requireTls) {
    /** Without REQUIRETLS. */
    public Transaction(String sender, List<String> recipients, String envid, long size) {
        this(sender, recipients, envid, size, false);
    }

    public Transaction withRequireTls(boolean required) {
        return new Transaction(sender, recipients, envid, size, required);
    }
}
