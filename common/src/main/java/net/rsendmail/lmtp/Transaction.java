package net.rsendmail.lmtp;

import java.util.List;

/**
 * One message for {@link LmtpClient#send}: envelope, the ENVID that makes retries exactly-once
 * (RFC 3461; the sending queue's id), and the raw message size.
 *
 * @param sender "" for the null sender
 */
public record Transaction(String sender, List<String> recipients, String envid, long size) {
}
