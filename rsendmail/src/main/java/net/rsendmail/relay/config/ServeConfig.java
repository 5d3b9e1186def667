package net.rsendmail.relay.config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The settings of {@code rsendmail serve} (SPEC §2.7), read from the relay's own config file.
 *
 * @param listen addresses to accept SSH connections on (port 0: any free port, logged at start)
 * @param hostKeys OpenSSH private key files; a missing one is made (ed25519, mode 0600)
 * @param authorizedKeys the OpenSSH authorized_keys file of the keys allowed in
 * @param maxSessions connections at once, all keys together
 * @param maxSessionsPerKey authenticated connections at once per key
 * @param maxStartups connections at once that have not authenticated yet (sshd_config MaxStartups)
 * @param authTimeout seconds a connection has to authenticate (sshd_config LoginGraceTime)
 * @param hostCertificates OpenSSH host certificates for the host keys ({@code ssh-keygen -s CA -h})
 * @param principalPolicies certificate principal to policy, first match wins
 * @param revokedKeys the revoked keys and certificate serials, or null for none
 * @param metricsFile the Prometheus textfile written after each connection, or null for none
 */
public record ServeConfig(
        List<InetSocketAddress> listen,
        List<Path> hostKeys,
        Path authorizedKeys,
        int maxSessions,
        int maxSessionsPerKey,
        int maxStartups,
        long authTimeout,
        List<Path> hostCertificates,
        List<PrincipalPolicy> principalPolicies,
        Path revokedKeys,
        Path metricsFile) {

    public static final int DEFAULT_MAX_SESSIONS = 256;
    public static final int DEFAULT_MAX_SESSIONS_PER_KEY = 8;
    public static final int DEFAULT_MAX_STARTUPS = 32;
    public static final long DEFAULT_AUTH_TIMEOUT = 30;
}
