package net.rsendmail.dns;

/** One MX target (RFC 5321 §5.1): its preference and host name (lower case, no trailing dot). */
public record MailExchanger(int preference, String host) {
}
