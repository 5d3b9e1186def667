package net.rsendmail.relay.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.config.ConfigFile.Entry;
import net.rsendmail.config.NumericAddress;

/** Reads the {@code serve} keys of the relay's config file; {@link RelayConfigReader} skips them. */
public final class ServeConfigReader {
    /** The keys only {@code rsendmail serve} reads. */
    static final Set<String> KEYS = Set.of("listen", "host_key", "authorized_keys", "max_sessions",
            "max_sessions_per_key", "max_startups", "auth_timeout", "host_certificate", "principal_policy",
            "revoked_keys");

    private ServeConfigReader() {
    }

    public static ServeConfig load(Path file) throws ConfigException {
        return build(file, ConfigFile.read(file));
    }

    static ServeConfig build(Path file, List<Entry> entries) throws ConfigException {
        List<InetSocketAddress> listen = new ArrayList<>();
        List<Path> hostKeys = new ArrayList<>();
        Path authorizedKeys = null;
        int maxSessions = ServeConfig.DEFAULT_MAX_SESSIONS;
        int perKey = ServeConfig.DEFAULT_MAX_SESSIONS_PER_KEY;
        int startups = ServeConfig.DEFAULT_MAX_STARTUPS;
        long authTimeout = ServeConfig.DEFAULT_AUTH_TIMEOUT;
        List<Path> hostCertificates = new ArrayList<>();
        List<PrincipalPolicy> principals = new ArrayList<>();
        List<Entry> principalEntries = new ArrayList<>();
        Path revokedKeys = null;
        Set<String> policies = new HashSet<>();
        for (Entry e : entries) {
            if ("policy".equals(e.section()) && e.isSectionHeader()) {
                policies.add(e.sectionName());
            }
            if (e.section() != null || !KEYS.contains(e.key())) {
                continue;
            }
            switch (e.key()) {
                case "listen": listen.add(address(e)); break;
                case "host_key": hostKeys.add(ConfigFile.absolutePath(e)); break;
                case "authorized_keys": authorizedKeys = ConfigFile.absolutePath(e); break;
                case "max_sessions": maxSessions = count(e); break;
                case "max_sessions_per_key": perKey = count(e); break;
                case "max_startups": startups = count(e); break;
                case "host_certificate": hostCertificates.add(ConfigFile.absolutePath(e)); break;
                case "principal_policy": principals.add(principalPolicy(e)); principalEntries.add(e); break;
                case "revoked_keys": revokedKeys = ConfigFile.absolutePath(e); break;
                default: authTimeout = count(e); break; // auth_timeout, seconds
            }
        }
        if (listen.isEmpty()) {
            throw new ConfigException(file + ": serve needs at least one 'listen ADDRESS:PORT'");
        }
        if (hostKeys.isEmpty()) {
            throw new ConfigException(file + ": serve needs at least one 'host_key PATH'");
        }
        if (authorizedKeys == null) {
            throw new ConfigException(file + ": serve needs 'authorized_keys PATH'");
        }
        for (int i = 0; i < principals.size(); i++) {
            if (!policies.contains(principals.get(i).policy())) {
                throw principalEntries.get(i).error("principal_policy: no [policy " + principals.get(i).policy()
                        + "] section");
            }
        }
        return new ServeConfig(List.copyOf(listen), List.copyOf(hostKeys), authorizedKeys, maxSessions, perKey,
                startups, authTimeout, List.copyOf(hostCertificates), List.copyOf(principals), revokedKeys);
    }

    /** {@code principal_policy PATTERN POLICY}: a glob of printable ASCII, then a policy name. */
    private static PrincipalPolicy principalPolicy(Entry e) throws ConfigException {
        List<String> w = e.words();
        if (w.size() != 2 || !w.get(0).chars().allMatch(c -> c > ' ' && c < 0x7f)) {
            throw e.error("principal_policy: expected PATTERN POLICY, such as 'principal_policy laptop-* laptop'");
        }
        return new PrincipalPolicy(w.get(0), w.get(1));
    }

    private static int count(Entry e) throws ConfigException {
        long v = ConfigFile.number(e);
        if (v < 1 || v > 100_000) {
            throw e.error(e.key() + ": from 1 to 100000, not " + v);
        }
        return (int) v;
    }

    /** {@code 127.0.0.1:2525}, {@code [::1]:2525}: a numeric address, never a name to resolve. */
    private static InetSocketAddress address(Entry e) throws ConfigException {
        String v = e.value();
        int colon = v.lastIndexOf(':');
        if (e.words().size() != 1 || colon < 1) {
            throw e.error("listen: expected ADDRESS:PORT, such as 127.0.0.1:2525 or [::1]:2525");
        }
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw e.error("listen: an IPv6 address goes in brackets: [" + host + "]:PORT");
        }
        InetAddress address;
        try {
            address = NumericAddress.parse(host);
        } catch (IllegalArgumentException ex) {
            throw e.error("listen: " + ex.getMessage());
        }
        String digits = v.substring(colon + 1);
        if (!digits.matches("[0-9]{1,5}")) {
            throw e.error("listen: bad port in '" + v + "'");
        }
        int port = Integer.parseInt(digits);
        if (port > 65535) {
            throw e.error("listen: port out of range in '" + v + "'");
        }
        return new InetSocketAddress(address, port);
    }
}
