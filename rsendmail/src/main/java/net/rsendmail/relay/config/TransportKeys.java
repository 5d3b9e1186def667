package net.rsendmail.relay.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.Durations;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.config.ConfigFile.Entry;
import net.rsendmail.config.HostPort;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.relay.transport.InetProtocols;
import net.rsendmail.relay.transport.SmtpSettings;
import net.rsendmail.relay.transport.SmtpSettings.Mechanism;
import net.rsendmail.relay.transport.SmtpSettings.Secret;
import net.rsendmail.relay.transport.SmtpSettings.SmtpAuth;
import net.rsendmail.relay.transport.SmtpSettings.TlsMode;
import net.rsendmail.relay.transport.TransportSetting;

/**
 * The transport keys (SPEC §2.6) at the top of the file, or in one {@code [policy NAME]}, where
 * each key given replaces the top level's. Each value is checked on its own line; what only makes
 * sense together (a key without its certificate, AUTH in plain text) is checked by {@link #build}
 * and names the line that asked for it.
 */
public final class TransportKeys {
    /** The transport keys; rsendmail.conf(5) documents each (ManPagesIT checks both ways). */
    public static final Set<String> KEYS = Set.of("transport", "smtp_tls", "smtp_ca_file", "smtp_client_cert",
            "smtp_client_key", "smtp_auth", "smtp_user", "smtp_secret_file", "smtp_secret_command", "helo_name",
            "source_address", "smtp_connect_timeout", "smtp_timeout", "smtp_socks5", "inet_protocols", "dns_servers",
            "dns_timeout", "dns_trust_anchor");
    /** Keys only {@code transport mx} uses: where its DNS answers come from. */
    static final Set<String> MX_KEYS = Set.of("dns_servers", "dns_timeout", "dns_trust_anchor");
    /** Keys of a smarthost's AUTH, which an MX is never given. */
    static final Set<String> AUTH_KEYS = Set.of("smtp_auth", "smtp_user", "smtp_secret_file", "smtp_secret_command");
    static final Duration SECRET_COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final Map<String, Entry> given;

    TransportKeys() {
        this(new LinkedHashMap<>());
    }

    private TransportKeys(Map<String, Entry> given) {
        this.given = given;
    }

    /** A policy's keys: the top level's, to be overridden one by one. */
    TransportKeys copy() {
        return new TransportKeys(new LinkedHashMap<>(given));
    }

    /** Checks one line's value and keeps it; a key given twice in one section is an error. */
    void set(Entry e, Set<String> seenInSection) throws ConfigException {
        if (!seenInSection.add(e.key())) {
            throw e.error(e.key() + " given twice");
        }
        check(e);
        given.put(e.key(), e);
    }

    private static void check(Entry e) throws ConfigException {
        switch (e.key()) {
            case "transport": transport(e); break;
            case "smtp_tls": tls(e); break;
            case "smtp_ca_file": case "smtp_client_cert": case "smtp_client_key": case "smtp_secret_file":
                ConfigFile.absolutePath(e);
                break;
            case "smtp_auth": mechanism(e); break;
            case "smtp_user": user(e); break;
            case "smtp_secret_command": command(e); break;
            case "helo_name": heloName(e); break;
            case "source_address": sourceAddress(e); break;
            case "smtp_connect_timeout": case "smtp_timeout": seconds(e); break;
            case "smtp_socks5": hostPort(e, -1); break;
            case "inet_protocols": inet(e); break;
            case "dns_servers": case "dns_trust_anchor": new DnsSettings.Builder().accept(e); break;
            case "dns_timeout": dnsTimeout(new DnsSettings.Builder(), e); break;
            default: throw new IllegalStateException(e.key());
        }
    }

    /** The transport these keys describe. */
    TransportSetting build() throws ConfigException {
        Entry t = given.get("transport");
        if (t == null || t.value().equals("sendmail")) {
            for (Entry e : given.values()) {
                // Keys inherited from the top level by a policy that chose sendmail are simply not used.
                if (e != t && (t == null || java.util.Objects.equals(e.sectionName(), t.sectionName()))) {
                    throw e.error(e.key() + " needs transport smtp://HOST, smtps://HOST or mx (the transport here is"
                            + " sendmail)");
                }
            }
            return new TransportSetting.Sendmail();
        }
        boolean mx = t.value().equals("mx");
        for (Entry e : given.values()) {
            // as above: what a policy inherited but its transport does not use is left alone
            boolean foreign = mx ? AUTH_KEYS.contains(e.key()) : MX_KEYS.contains(e.key());
            if (foreign && java.util.Objects.equals(e.sectionName(), t.sectionName())) {
                throw e.error(mx ? e.key() + " is for a smarthost: transport mx authenticates to no one"
                        : e.key() + " is for transport mx (a smarthost's name goes to the system resolver)");
            }
        }
        boolean implicit = t.value().startsWith("smtps://");
        HostPort host = mx ? new HostPort("mx", SmtpSettings.SMTP_PORT) : transport(t);
        // RFC 7435: opportunistic TLS towards MX hosts, unless DANE asks for more; a smarthost is verified
        TlsMode tls = given.containsKey("smtp_tls") ? tls(given.get("smtp_tls")) : mx ? TlsMode.MAY : TlsMode.VERIFY;
        if (implicit && tls == TlsMode.NONE) {
            throw given.get("smtp_tls").error("smtp_tls none contradicts smtps:// (TLS from the first byte)");
        }
        Optional<Path> cert = path("smtp_client_cert");
        Optional<Path> key = path("smtp_client_key");
        if (cert.isPresent() != key.isPresent()) {
            Entry one = given.get(cert.isPresent() ? "smtp_client_cert" : "smtp_client_key");
            throw one.error("smtp_client_cert and smtp_client_key go together");
        }
        Optional<SmtpAuth> auth = mx ? Optional.empty() : auth(implicit, tls);
        Optional<HostPort> socks = given.containsKey("smtp_socks5")
                ? Optional.of(hostPort(given.get("smtp_socks5"), -1)) : Optional.empty();
        SmtpSettings smtp = new SmtpSettings(host, implicit, tls, path("smtp_ca_file"), cert, key, auth,
                given.containsKey("helo_name") ? Optional.of(heloName(given.get("helo_name"))) : Optional.empty(),
                given.containsKey("source_address") ? Optional.of(sourceAddress(given.get("source_address")))
                        : Optional.empty(),
                duration("smtp_connect_timeout", SmtpSettings.DEFAULT_CONNECT_TIMEOUT),
                duration("smtp_timeout", SmtpSettings.DEFAULT_TIMEOUT), socks,
                given.containsKey("inet_protocols") ? inet(given.get("inet_protocols")) : InetProtocols.ALL);
        if (!mx) {
            return new TransportSetting.Smtp(smtp);
        }
        DnsSettings.Builder dns = new DnsSettings.Builder();
        for (String k : new String[] {"dns_servers", "dns_trust_anchor"}) {
            if (given.containsKey(k)) {
                dns.accept(given.get(k));
            }
        }
        if (given.containsKey("dns_timeout")) {
            dnsTimeout(dns, given.get("dns_timeout"));
        }
        return new TransportSetting.Mx(smtp, dns.build());
    }

    private static void dnsTimeout(DnsSettings.Builder b, Entry e) throws ConfigException {
        try {
            b.timeout(e, Durations.parse(e.value()));
        } catch (IllegalArgumentException x) {
            throw e.error("dns_timeout: " + x.getMessage());
        }
    }

    /** {@code inet_protocols ipv4|ipv6|all}. */
    private static InetProtocols inet(Entry e) throws ConfigException {
        switch (e.value()) {
            case "ipv4": return InetProtocols.IPV4;
            case "ipv6": return InetProtocols.IPV6;
            case "all": return InetProtocols.ALL;
            default: throw e.error("inet_protocols: expected ipv4, ipv6 or all, not '" + printable(e.value()) + "'");
        }
    }

    private Optional<SmtpAuth> auth(boolean implicit, TlsMode tls) throws ConfigException {
        Entry mech = given.get("smtp_auth");
        Entry user = given.get("smtp_user");
        Entry file = given.get("smtp_secret_file");
        Entry command = given.get("smtp_secret_command");
        if (mech == null) {
            for (Entry e : new Entry[] {user, file, command}) {
                if (e != null) {
                    throw e.error(e.key() + " without smtp_auth");
                }
            }
            return Optional.empty();
        }
        if (user == null) {
            throw mech.error("smtp_auth needs smtp_user");
        }
        if ((file == null) == (command == null)) {
            throw mech.error("smtp_auth needs one of smtp_secret_file and smtp_secret_command");
        }
        if (tls != TlsMode.VERIFY) {
            // The secret goes only to the smarthost itself: never in plain text (RFC 4954 §4, RFC 8314
            // §5.1), and never over TLS whose certificate was not checked (anyone in the path could
            // present one and collect it).
            throw mech.error("smtp_auth needs smtp_tls verify (the default): the secret goes only to a smarthost"
                    + " whose certificate was checked");
        }
        Secret secret = file != null ? new Secret.File(ConfigFile.absolutePath(file))
                : new Secret.Command(command(command), SECRET_COMMAND_TIMEOUT);
        return Optional.of(new SmtpAuth(mechanism(mech), user(user), secret));
    }

    private Optional<Path> path(String key) throws ConfigException {
        Entry e = given.get(key);
        return e == null ? Optional.empty() : Optional.of(ConfigFile.absolutePath(e));
    }

    private Duration duration(String key, Duration byDefault) throws ConfigException {
        Entry e = given.get(key);
        return e == null ? byDefault : Duration.ofSeconds(seconds(e));
    }

    /** {@code sendmail}, {@code mx}, {@code smtp://HOST[:PORT]}, {@code smtps://HOST[:PORT]}; null for sendmail and mx. */
    private static HostPort transport(Entry e) throws ConfigException {
        String v = e.value();
        if (e.words().size() != 1) {
            throw e.error("transport: expected one of sendmail, mx, smtp://HOST[:PORT], smtps://HOST[:PORT]");
        }
        if (v.equals("sendmail")) {
            return null;
        }
        if (v.equals("mx")) {
            return null;
        }
        if (v.startsWith("smtp://")) {
            return hostPort(e, v.substring(7), SmtpSettings.SMTP_PORT);
        }
        if (v.startsWith("smtps://")) {
            return hostPort(e, v.substring(8), SmtpSettings.SMTPS_PORT);
        }
        throw e.error("transport: expected one of sendmail, mx, smtp://HOST[:PORT], smtps://HOST[:PORT], not '"
                + printable(v) + "'");
    }

    private static TlsMode tls(Entry e) throws ConfigException {
        switch (e.value()) {
            case "none": return TlsMode.NONE;
            case "may": return TlsMode.MAY;
            case "encrypt": return TlsMode.ENCRYPT;
            case "verify": return TlsMode.VERIFY;
            default: throw e.error("smtp_tls: expected none, may, encrypt or verify, not '" + printable(e.value()) + "'");
        }
    }

    private static Mechanism mechanism(Entry e) throws ConfigException {
        switch (e.value().toUpperCase(Locale.ROOT)) {
            case "PLAIN": return Mechanism.PLAIN;
            case "LOGIN": return Mechanism.LOGIN;
            case "XOAUTH2": return Mechanism.XOAUTH2;
            default: throw e.error("smtp_auth: expected PLAIN, LOGIN or XOAUTH2, not '" + printable(e.value()) + "'");
        }
    }

    /** One word of printable ASCII (an address or a login name), at most 256 characters. */
    private static String user(Entry e) throws ConfigException {
        String v = e.value();
        if (e.words().size() != 1 || v.length() > 256 || !v.matches("[\\x21-\\x7e]+")) {
            throw e.error("smtp_user: expected one word of printable ASCII, at most 256 characters");
        }
        return v;
    }

    /** An absolute program path and its arguments, run without a shell. */
    private static List<String> command(Entry e) throws ConfigException {
        List<String> argv = e.words();
        if (argv.isEmpty() || !argv.get(0).startsWith("/")) {
            throw e.error("smtp_secret_command: expected an absolute program path, then its arguments (no shell)");
        }
        return argv;
    }

    /** A domain name (RFC 5321 §4.1.1.1). */
    private static String heloName(Entry e) throws ConfigException {
        String v = e.value();
        try {
            if (e.words().size() != 1 || v.startsWith("[")) {
                throw new AddressException("expected one domain name");
            }
            Mailbox.parse("postmaster@" + v, false);
        } catch (AddressException x) {
            throw e.error("helo_name: not a domain name: '" + printable(v) + "' (" + x.getMessage() + ")");
        }
        return v;
    }

    private static InetAddress sourceAddress(Entry e) throws ConfigException {
        try {
            return NumericAddress.parse(e.value());
        } catch (IllegalArgumentException x) {
            throw e.error("source_address: " + x.getMessage());
        }
    }

    private static long seconds(Entry e) throws ConfigException {
        long v = ConfigFile.number(e);
        if (v < 1 || v > 3600) {
            throw e.error(e.key() + ": seconds from 1 to 3600, not " + v);
        }
        return v;
    }

    private static HostPort hostPort(Entry e, int defaultPort) throws ConfigException {
        if (e.words().size() != 1) {
            throw e.error(e.key() + ": expected HOST:PORT");
        }
        return hostPort(e, e.value(), defaultPort);
    }

    private static HostPort hostPort(Entry e, String text, int defaultPort) throws ConfigException {
        try {
            HostPort hp = HostPort.parse(text, defaultPort);
            if (hp.port() < 0) {
                throw new IllegalArgumentException("a port is needed");
            }
            return hp;
        } catch (IllegalArgumentException x) {
            throw e.error(e.key() + ": " + x.getMessage());
        }
    }

    private static String printable(String s) {
        return net.rsendmail.mail.Printable.of(s);
    }
}
