package net.rsendmail.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.config.NumericAddress;

/**
 * How to reach DNS: the servers to ask (empty: the system resolver's, from /etc/resolv.conf), how
 * long to wait for one answer, and the DNSSEC trust anchor file (DS or DNSKEY records in zone-file
 * form; by default Debian's dns-root-data root key).
 */
public record DnsSettings(List<InetSocketAddress> servers, Duration timeout, Path trustAnchor) {
    public static final Path DEBIAN_ROOT_KEY = Path.of("/usr/share/dns/root.key");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    public static final int DNS_PORT = 53;
    public static final DnsSettings DEFAULTS = new DnsSettings(List.of(), DEFAULT_TIMEOUT, DEBIAN_ROOT_KEY);

    public DnsSettings {
        servers = List.copyOf(servers);
    }

    /**
     * One {@code dns_servers} word: a numeric IPv4 or IPv6 address, with a port as
     * {@code 192.0.2.1:5353} or {@code [2001:db8::1]:5353}. Never a name: it would need DNS itself.
     */
    public static InetSocketAddress server(String word) throws IllegalArgumentException {
        String host = word;
        String port = null;
        if (word.startsWith("[")) {
            int close = word.indexOf(']');
            if (close < 0 || (close + 1 < word.length() && word.charAt(close + 1) != ':')) {
                throw new IllegalArgumentException("expected [IPV6]:PORT, got '" + word + "'");
            }
            host = word.substring(1, close);
            port = close + 1 < word.length() ? word.substring(close + 2) : null;
        } else if (word.indexOf(':') == word.lastIndexOf(':') && word.indexOf(':') >= 0) {
            host = word.substring(0, word.indexOf(':'));
            port = word.substring(word.indexOf(':') + 1);
        }
        InetAddress address = NumericAddress.parse(host);
        int p = DNS_PORT;
        if (port != null) {
            if (!port.matches("[1-9][0-9]{0,4}") || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("bad port in '" + word + "'");
            }
            p = Integer.parseInt(port);
        }
        return new InetSocketAddress(address, p);
    }

    /** Collects {@code dns_servers}, {@code dns_timeout} and {@code dns_trust_anchor} while a config file is read. */
    public static final class Builder {
        private List<InetSocketAddress> servers = DEFAULTS.servers();
        private Duration timeout = DEFAULTS.timeout();
        private Path trustAnchor = DEFAULTS.trustAnchor();

        /**
         * Takes {@code e} if it is {@code dns_servers ADDR[:PORT]...} or {@code dns_trust_anchor FILE};
         * false for any other key. {@code dns_timeout} comes through {@link #timeout}, parsed by the
         * file's own duration syntax.
         */
        public boolean accept(ConfigFile.Entry e) throws ConfigException {
            switch (e.key()) {
                case "dns_servers": {
                    List<InetSocketAddress> list = new ArrayList<>();
                    for (String w : e.words()) {
                        try {
                            list.add(server(w));
                        } catch (IllegalArgumentException x) {
                            throw e.error("dns_servers: " + x.getMessage());
                        }
                    }
                    if (list.size() > 8) {
                        throw e.error("dns_servers: at most 8 servers");
                    }
                    servers = list;
                    return true;
                }
                case "dns_trust_anchor":
                    trustAnchor = ConfigFile.absolutePath(e);
                    return true;
                default:
                    return false;
            }
        }

        /** {@code dns_timeout}: more than 0, at most {@link #MAX_TIMEOUT}. */
        public void timeout(ConfigFile.Entry e, Duration d) throws ConfigException {
            if (d.isZero() || d.isNegative() || d.compareTo(MAX_TIMEOUT) > 0) {
                throw e.error("dns_timeout: expected 1s to " + MAX_TIMEOUT.toSeconds() + "s");
            }
            timeout = d;
        }

        public DnsSettings build() {
            return new DnsSettings(servers, timeout, trustAnchor);
        }
    }
}
