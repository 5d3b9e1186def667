package net.rsendmail.client.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.rsendmail.client.dkim.DkimConfig;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;

/**
 * sshsendmail's configuration (SPEC §7 and the keys documented in etc/sshsendmail.conf).
 *
 * @param file            where it was read from, or null for built-in defaults
 * @param relays          tried in order
 * @param identity        private key, or null (then the default key names in ~/.ssh are not tried either)
 * @param certificate     OpenSSH user certificate of the identity's key ({@code -cert.pub}), or null
 * @param knownHosts      OpenSSH known_hosts file
 * @param queue           queue directory
 * @param domain          qualifies bare addresses and is the right-hand side of Message-IDs; null = host name
 * @param remoteCommand   the program name sent to the relay (first word of the remote command)
 * @param connectTimeout  TCP connect plus SSH key exchange
 * @param authTimeout     public-key authentication
 * @param commandTimeout  one message: open the channel, send it, wait for the relay's exit status
 * @param maxLifetime     a message older than this is bounced
 * @param delayWarning    a message still deferred at this age gets one delay warning to its sender; 0 = never
 * @param retryMin        first retry delay
 * @param retryMax        retry delay ceiling
 * @param idleTimeout     the daemon and a staying runner close their SSH connection after this long without work
 * @param log             where log lines go, and the line that said so
 * @param background      after queueing, start a background delivery run (standalone mode)
 * @param batch           queue runs: one LMTP channel for many messages (rsendmail --lmtp), plain, or probe
 * @param dkim            DKIM keys, applied as a message enters the queue
 * @param hostKeyDns      {@code host_key_dns}: a relay host key not in known_hosts is accepted when it matches an
 *                        SSHFP record in a DNSSEC-validated answer (OpenSSH's VerifyHostKeyDNS)
 * @param dns             DNS servers, timeout and trust anchor for those lookups
 * @param metricsFile     Prometheus textfile the queue runs write after each run ({@code metrics_file}), or null
 * @param requireTls      {@code require_tls}: every message asks the relay for RFC 8689 REQUIRETLS
 */
public record ClientConfig(Path file, List<RelayAddress> relays, Path identity, Path certificate, Path knownHosts, Path queue,
                           String domain, String remoteCommand, Duration connectTimeout, Duration authTimeout,
                           Duration commandTimeout, Duration maxLifetime, Duration delayWarning, Duration retryMin,
                           Duration retryMax, Duration idleTimeout, LogSetting log, boolean background, Batch batch,
                           DkimConfig dkim, boolean hostKeyDns, DnsSettings dns, Path metricsFile, boolean requireTls) {

    /** {@code batch auto|yes|no}: LMTP batch delivery (SPEC §3.3); auto probes the relay and remembers. */
    public enum Batch { AUTO, YES, NO }

    public static final Path DEFAULT_FILE = Path.of("/etc/sshsendmail.conf");
    public static final Path DEFAULT_QUEUE = Path.of("/var/spool/sshsendmail");
    public static final Path DEFAULT_KNOWN_HOSTS = Path.of("/etc/sshsendmail/known_hosts");

    public ClientConfig {
        relays = List.copyOf(relays);
    }

    /** The built-in defaults, before any file is read. */
    public static ClientConfig defaults() {
        return new ClientConfig(null, List.of(), null, null, DEFAULT_KNOWN_HOSTS, DEFAULT_QUEUE, null, "rsendmail",
                Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofDays(5),
                Duration.ofHours(4), Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofSeconds(30), LogSetting.byDefault(LogTarget.STDERR), true,
                Batch.AUTO, DkimConfig.NONE, false, DnsSettings.DEFAULTS, null, false);
    }

    public ClientConfig withRelays(List<RelayAddress> r) {
        return new ClientConfig(file, r, identity, certificate, knownHosts, queue, domain, remoteCommand, connectTimeout,
                authTimeout, commandTimeout, maxLifetime, delayWarning, retryMin, retryMax, idleTimeout, log,
                background, batch, dkim, hostKeyDns, dns, metricsFile, requireTls);
    }

    public ClientConfig withIdentity(Path p) {
        return new ClientConfig(file, relays, p, certificate, knownHosts, queue, domain, remoteCommand, connectTimeout,
                authTimeout, commandTimeout, maxLifetime, delayWarning, retryMin, retryMax, idleTimeout, log,
                background, batch, dkim, hostKeyDns, dns, metricsFile, requireTls);
    }

    public ClientConfig withKnownHosts(Path p) {
        return new ClientConfig(file, relays, identity, certificate, p, queue, domain, remoteCommand, connectTimeout,
                authTimeout, commandTimeout, maxLifetime, delayWarning, retryMin, retryMax, idleTimeout, log,
                background, batch, dkim, hostKeyDns, dns, metricsFile, requireTls);
    }

    public ClientConfig withLog(LogSetting l) {
        return new ClientConfig(file, relays, identity, certificate, knownHosts, queue, domain, remoteCommand, connectTimeout,
                authTimeout, commandTimeout, maxLifetime, delayWarning, retryMin, retryMax, idleTimeout, l,
                background, batch, dkim, hostKeyDns, dns, metricsFile, requireTls);
    }

    public ClientConfig withConnectTimeout(Duration d) {
        return new ClientConfig(file, relays, identity, certificate, knownHosts, queue, domain, remoteCommand, d,
                authTimeout, commandTimeout, maxLifetime, delayWarning, retryMin, retryMax, idleTimeout, log,
                background, batch, dkim, hostKeyDns, dns, metricsFile, requireTls);
    }
}
