package net.rsendmail.client.config;

import net.rsendmail.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.rsendmail.client.dkim.DkimConfig;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.log.LogSetting;

/**
 * Reads sshsendmail.conf: one {@code key value} per line. Unknown keys, bad values, sections and
 * repeated single-valued keys are errors naming the file and line.
 */
public final class ClientConfigReader {
    /** Every key the file may hold; sshsendmail.conf(5) documents each (ManPagesIT checks both ways). */
    public static final Set<String> KEYS = Set.of("relay", "identity", "certificate", "known_hosts", "queue",
            "domain", "remote_command", "connect_timeout", "auth_timeout", "command_timeout", "max_lifetime",
            "delay_warning", "retry_min", "retry_max", "idle_timeout", "log", "background", "batch", "dkim",
            "dkim_command", "dkim_required", "metrics_file", "host_key_dns", "dns_servers", "dns_timeout", "dns_trust_anchor",
            "require_tls");

    private ClientConfigReader() {
    }

    /**
     * Loads {@code file}; with {@code explicit} false (the default path, no -C, no
     * SSHSENDMAIL_CONF) a missing file gives the built-in defaults.
     */
    public static ClientConfig load(Path file, boolean explicit) throws ConfigException {
        return read(file, explicit).config();
    }

    /** As {@link #load}, with the line of every key. */
    public static LoadedConfig read(Path file, boolean explicit) throws ConfigException {
        if (!explicit && !Files.exists(file)) {
            return new LoadedConfig(ClientConfig.defaults(), file, false, Map.of());
        }
        List<ConfigFile.Entry> entries = ConfigFile.read(file);
        Map<String, Integer> lines = new HashMap<>();
        for (ConfigFile.Entry e : entries) {
            lines.putIfAbsent(e.key(), e.line());
        }
        return new LoadedConfig(parse(file, entries), file, true, lines);
    }

    public static ClientConfig parse(Path file, List<ConfigFile.Entry> entries) throws ConfigException {
        ClientConfig d = ClientConfig.defaults();
        List<RelayAddress> relays = new ArrayList<>();
        Path identity = d.identity();
        Path certificate = d.certificate();
        ConfigFile.Entry certificateEntry = null;
        Path knownHosts = d.knownHosts();
        Path queue = d.queue();
        String domain = d.domain();
        String remoteCommand = d.remoteCommand();
        Duration connect = d.connectTimeout();
        Duration auth = d.authTimeout();
        Duration command = d.commandTimeout();
        Duration lifetime = d.maxLifetime();
        Duration delayWarning = d.delayWarning();
        Duration retryMin = d.retryMin();
        Duration retryMax = d.retryMax();
        Duration idle = d.idleTimeout();
        LogSetting log = d.log();
        boolean background = d.background();
        ClientConfig.Batch batch = d.batch();
        Path metricsFile = d.metricsFile();
        boolean requireTls = d.requireTls();
        List<String> seen = new ArrayList<>();
        DkimConfig.Builder dkim = new DkimConfig.Builder();
        DnsSettings.Builder dns = new DnsSettings.Builder();
        boolean hostKeyDns = d.hostKeyDns();
        for (ConfigFile.Entry e : entries) {
            if (e.section() != null) {
                throw e.error("sections are not used in this file: [" + e.section() + " " + e.sectionName() + "]");
            }
            if (!KEYS.contains(e.key())) {
                throw e.error("unknown key '" + e.key() + "'");
            }
            if (!e.key().equals("relay") && !e.key().equals("dkim") && !e.key().equals("dkim_command")) {
                if (seen.contains(e.key())) {
                    throw e.error(e.key() + " given twice");
                }
                seen.add(e.key());
            }
            if (e.value().isEmpty()) {
                throw e.error(e.key() + ": missing value");
            }
            if (dkim.accept(e) || dns.accept(e)) {
                continue;
            }
            switch (e.key()) {
                case "relay":
                    try {
                        relays.add(RelayAddress.parse(e.value()));
                    } catch (IllegalArgumentException x) {
                        throw e.error("relay: " + x.getMessage());
                    }
                    break;
                case "identity":
                    identity = ConfigFile.absolutePath(e);
                    break;
                case "certificate":
                    certificate = ConfigFile.absolutePath(e);
                    certificateEntry = e;
                    break;
                case "known_hosts":
                    knownHosts = ConfigFile.absolutePath(e);
                    break;
                case "queue":
                    queue = ConfigFile.absolutePath(e);
                    break;
                case "domain":
                    if (!e.value().matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
                        throw e.error("domain: expected a domain name, got '" + e.value() + "'");
                    }
                    domain = e.value();
                    break;
                case "remote_command":
                    if (!e.value().matches("[A-Za-z0-9_./-]*(rsendmail|sendmail)")) {
                        throw e.error("remote_command: expected a program path ending in rsendmail or sendmail, got '"
                                + e.value() + "'");
                    }
                    remoteCommand = e.value();
                    break;
                case "connect_timeout":
                    connect = positive(e);
                    break;
                case "auth_timeout":
                    auth = positive(e);
                    break;
                case "command_timeout":
                    command = positive(e);
                    break;
                case "max_lifetime":
                    lifetime = positive(e);
                    break;
                case "delay_warning":
                    delayWarning = duration(e); // 0 turns it off, as Postfix's delay_warning_time
                    break;
                case "retry_min":
                    retryMin = positive(e);
                    break;
                case "retry_max":
                    retryMax = positive(e);
                    break;
                case "idle_timeout":
                    idle = duration(e);
                    break;
                case "log":
                    log = LogSetting.parse(e);
                    break;
                case "host_key_dns":
                    hostKeyDns = ConfigFile.bool(e);
                    break;
                case "dns_timeout":
                    dns.timeout(e, duration(e));
                    break;
                case "background":
                    background = ConfigFile.bool(e);
                    break;
                case "metrics_file":
                    metricsFile = ConfigFile.absolutePath(e);
                    break;
                case "batch":
                    switch (e.value()) {
                        case "auto": batch = ClientConfig.Batch.AUTO; break;
                        case "yes": batch = ClientConfig.Batch.YES; break;
                        case "no": batch = ClientConfig.Batch.NO; break;
                        default: throw e.error("batch: expected auto, yes or no, got '" + e.value() + "'");
                    }
                    break;
                case "require_tls":
                    requireTls = ConfigFile.bool(e);
                    break;
                default:
                    throw e.error("unknown key '" + e.key() + "'");
            }
        }
        if (retryMax.compareTo(retryMin) < 0) {
            throw new ConfigException(file, 0, "retry_max is shorter than retry_min");
        }
        if (certificateEntry != null) {
            checkCertificate(certificateEntry, identity);
        }
        return new ClientConfig(file, relays, identity, certificate, knownHosts, queue, domain, remoteCommand, connect, auth,
                command, lifetime, delayWarning, retryMin, retryMax, idle, log, background, batch, dkim.build(), hostKeyDns,
                dns.build(), metricsFile, requireTls);
    }

    /**
     * A certificate certifies the identity's key, so it needs one. That it is a user certificate
     * of that key is checked by the delivering modes ({@code UserCertificate.check}): reading it
     * takes the SSH library, which a sendmail call never loads.
     */
    private static void checkCertificate(ConfigFile.Entry e, Path identity) throws ConfigException {
        if (identity == null) {
            throw e.error("certificate: needs 'identity', the private key it certifies");
        }
    }

    private static Duration duration(ConfigFile.Entry e) throws ConfigException {
        try {
            return Durations.parse(e.value());
        } catch (IllegalArgumentException x) {
            throw e.error(e.key() + ": " + x.getMessage());
        }
    }

    private static Duration positive(ConfigFile.Entry e) throws ConfigException {
        Duration d = duration(e);
        if (d.isZero()) {
            throw e.error(e.key() + ": must be more than 0");
        }
        return d;
    }
}
