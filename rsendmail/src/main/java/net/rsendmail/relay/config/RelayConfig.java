package net.rsendmail.relay.config;

import java.nio.file.Path;
import java.util.Map;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.transport.TransportSetting;

/**
 * The relay admin's settings (SPEC §7): the MTA's sendmail, where to log, where to keep state,
 * and the named policies.
 *
 * @param log where the per-request lines go, and the line that said so
 * @param idleTimeout seconds without input before a session is closed (RFC 5321 §4.5.3.2.7)
 * @param mtaTimeout seconds the MTA may run; shorter than {@code idleTimeout}
 * @param transport the top-level transport: that of the built-in default policy
 */
public record RelayConfig(
        Path sendmail,
        LogSetting log,
        Path stateDir,
        Path spoolDir,
        String defaultPolicy,
        long idleTimeout,
        long mtaTimeout,
        Map<String, Policy> policies,
        TransportSetting transport) {

    public static final Path DEFAULT_FILE = Path.of("/etc/rsendmail.conf");
    public static final long DEFAULT_IDLE_TIMEOUT = 300;
    public static final long DEFAULT_MTA_TIMEOUT = 240;

    public static RelayConfig defaults() {
        return new RelayConfig(Path.of("/usr/sbin/sendmail"), LogSetting.byDefault(LogTarget.SYSLOG), Path.of("/var/lib/rsendmail"),
                Path.of(System.getProperty("java.io.tmpdir")), "default", DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MTA_TIMEOUT, Map.of(), new TransportSetting.Sendmail());
    }

    /** The policy called {@code name}, or the default policy when name is null; null if it does not exist. */
    public Policy policy(String name) {
        if (name == null) {
            Policy p = policies.get(defaultPolicy);
            return p != null ? p : Policy.defaults(defaultPolicy, transport);
        }
        return policies.get(name);
    }
}
