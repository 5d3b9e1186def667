package net.rsendmail.relay.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.config.ConfigFile.Entry;
import net.rsendmail.log.LogSetting;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.relay.policy.AddressPattern;
import net.rsendmail.relay.policy.Policy;

/** Turns the relay's config file into a {@link RelayConfig}; every unknown key or bad value names file and line. */
public final class RelayConfigReader {
    /** The keys outside sections; rsendmail.conf(5) documents each (ManPagesIT checks both ways). */
    public static final Set<String> KEYS = Set.of("sendmail", "log", "state_dir", "spool_dir", "default_policy",
            "idle_timeout", "mta_timeout");
    /** The keys of a {@code [policy NAME]} section. */
    public static final Set<String> POLICY_KEYS = Set.of("senders", "recipients", "header_from_match", "null_sender",
            "max_size", "max_recipients", "max_per_hour", "allow_t", "allow_bare_local", "lmtp");

    private RelayConfigReader() {
    }

    /**
     * Reads {@code file}. When {@code file} is the default path and does not exist, the built-in
     * defaults apply (SPEC §7); a file named on the command line must exist.
     */
    public static RelayConfig load(Path file, boolean explicit) throws ConfigException {
        if (!explicit && !Files.exists(file)) {
            return RelayConfig.defaults();
        }
        return build(ConfigFile.read(file));
    }

    static RelayConfig build(List<Entry> entries) throws ConfigException {
        RelayConfig d = RelayConfig.defaults();
        Path sendmail = d.sendmail();
        LogSetting log = d.log();
        Path stateDir = d.stateDir();
        Path spoolDir = d.spoolDir();
        String defaultPolicy = d.defaultPolicy();
        long idleTimeout = d.idleTimeout();
        long mtaTimeout = d.mtaTimeout();
        Entry timeoutEntry = null;
        Map<String, PolicyBuilder> builders = new HashMap<>();
        List<String> order = new ArrayList<>();
        Entry defaultPolicyEntry = null;
        TransportKeys topTransport = new TransportKeys();
        java.util.Set<String> topKeys = new java.util.HashSet<>();
        for (Entry e : entries) {
            if (e.section() == null && ServeConfigReader.KEYS.contains(e.key())) {
                continue; // read by rsendmail serve
            }
            if (e.section() == null && TransportKeys.KEYS.contains(e.key())) {
                topTransport.set(e, topKeys);
            } else if (e.section() == null) {
                if (!KEYS.contains(e.key())) {
                    throw e.error("unknown key '" + e.key() + "'");
                }
                switch (e.key()) {
                    case "sendmail": sendmail = ConfigFile.absolutePath(e); break;
                    case "log": log = LogSetting.parse(e); break;
                    case "state_dir": stateDir = ConfigFile.absolutePath(e); break;
                    case "spool_dir": spoolDir = ConfigFile.absolutePath(e); break;
                    case "default_policy": defaultPolicy = name(e); defaultPolicyEntry = e; break;
                    case "idle_timeout": idleTimeout = seconds(e); timeoutEntry = e; break;
                    case "mta_timeout": mtaTimeout = seconds(e); timeoutEntry = e; break;
                    default: throw e.error("unknown key '" + e.key() + "'");
                }
            } else if (e.section().equals("policy")) {
                PolicyBuilder b = builders.get(e.sectionName());
                if (e.isSectionHeader()) {
                    if (b != null) {
                        throw e.error("[policy " + e.sectionName() + "] given twice");
                    }
                    b = new PolicyBuilder(e.sectionName(), topTransport.copy());
                    builders.put(e.sectionName(), b);
                    order.add(e.sectionName());
                } else {
                    b.set(e);
                }
            } else {
                throw e.error("unknown section kind '" + e.section() + "'");
            }
        }
        if (defaultPolicyEntry != null && !builders.containsKey(defaultPolicy)) {
            throw defaultPolicyEntry.error("default_policy names no [policy " + defaultPolicy + "] section");
        }
        if (mtaTimeout >= idleTimeout) {
            // The MTA must answer before the session's own watch could end it.
            throw timeoutEntry.error("mta_timeout (" + mtaTimeout + " s) must be shorter than idle_timeout ("
                    + idleTimeout + " s)");
        }
        Map<String, Policy> policies = new HashMap<>();
        for (String n : order) {
            policies.put(n, builders.get(n).build());
        }
        return new RelayConfig(sendmail, log, stateDir, spoolDir, defaultPolicy, idleTimeout, mtaTimeout,
                Map.copyOf(policies), topTransport.build());
    }

    private static long seconds(Entry e) throws ConfigException {
        long v = ConfigFile.number(e);
        if (v < 1 || v > 86_400) {
            throw e.error(e.key() + ": seconds from 1 to 86400, not " + v);
        }
        return v;
    }

    private static String name(Entry e) throws ConfigException {
        if (e.words().size() != 1) {
            throw e.error(e.key() + ": expected one name");
        }
        return e.value();
    }

    /** Collects one [policy NAME] section. */
    private static final class PolicyBuilder {
        private final String name;
        private final List<AddressPattern> senders = new ArrayList<>();
        private final List<AddressPattern> recipients = new ArrayList<>();
        private boolean headerFromMatch;
        private boolean nullSender = true;
        private long maxSize = Policy.DEFAULT_MAX_SIZE;
        private int maxRecipients = Policy.DEFAULT_MAX_RECIPIENTS;
        private int maxPerHour;
        private boolean allowExtract = true;
        private boolean allowBareLocal;
        private boolean allowLmtp = true;
        private final TransportKeys transport;
        private final java.util.Set<String> transportKeys = new java.util.HashSet<>();

        PolicyBuilder(String name, TransportKeys transport) {
            this.name = name;
            this.transport = transport;
        }

        void set(Entry e) throws ConfigException {
            if (TransportKeys.KEYS.contains(e.key())) {
                transport.set(e, transportKeys);
                return;
            }
            if (!POLICY_KEYS.contains(e.key())) {
                throw e.error("unknown policy key '" + e.key() + "'");
            }
            switch (e.key()) {
                case "senders": patterns(e, senders); break;
                case "recipients": patterns(e, recipients); break;
                case "header_from_match": headerFromMatch = ConfigFile.bool(e); break;
                case "null_sender": nullSender = ConfigFile.bool(e); break;
                case "max_size": maxSize = ConfigFile.size(e); break;
                case "max_recipients": maxRecipients = intValue(e, 1); break;
                case "max_per_hour": maxPerHour = intValue(e, 0); break;
                case "allow_t": allowExtract = ConfigFile.bool(e); break;
                case "allow_bare_local": allowBareLocal = ConfigFile.bool(e); break;
                case "lmtp": allowLmtp = ConfigFile.bool(e); break;
                default: throw e.error("unknown policy key '" + e.key() + "'");
            }
        }

        Policy build() throws ConfigException {
            return new Policy(name, List.copyOf(senders), headerFromMatch, nullSender, List.copyOf(recipients),
                    maxSize, maxRecipients, maxPerHour, allowExtract, allowBareLocal, allowLmtp, transport.build());
        }

        private static int intValue(Entry e, int min) throws ConfigException {
            long v = ConfigFile.number(e);
            if (v < min || v > 1_000_000) {
                throw e.error(e.key() + ": out of range: " + v);
            }
            return (int) v;
        }

        private static void patterns(Entry e, List<AddressPattern> into) throws ConfigException {
            if (e.words().isEmpty()) {
                throw e.error(e.key() + ": expected addresses or @domains");
            }
            for (String w : e.words()) {
                String check = w.startsWith("@") ? "x" + w : w;
                try {
                    Mailbox.parse(check, false);
                } catch (AddressException ex) {
                    throw e.error(e.key() + ": bad address or @domain '" + w + "': " + ex.getMessage());
                }
                into.add(new AddressPattern(w));
            }
        }
    }
}
