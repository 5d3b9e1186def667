package net.rsendmail.relay.config;

/**
 * {@code principal_policy PATTERN POLICY}: a certificate principal matching {@code pattern}
 * ({@code *} and {@code ?}) is sent through {@code [policy POLICY]}; the first matching line wins.
 */
public record PrincipalPolicy(String pattern, String policy) {
}
