package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsSettingsTest {
    private static ConfigFile.Entry entry(String line) throws ConfigException {
        return ConfigFile.parse(Path.of("/etc/test.conf"), line + "\n").get(0);
    }

    @Test
    void defaultsAreTheSystemResolverAndDebiansRootKey() {
        DnsSettings d = new DnsSettings.Builder().build();
        assertEquals(List.of(), d.servers());
        assertEquals(Duration.ofSeconds(5), d.timeout());
        assertEquals(Path.of("/usr/share/dns/root.key"), d.trustAnchor());
    }

    @Test
    void readsServersPortsAndTheAnchor() throws Exception {
        DnsSettings.Builder b = new DnsSettings.Builder();
        assertTrue(b.accept(entry("dns_servers 127.0.0.2:5353 ::1 [2001:db8::5]:53000 192.0.2.1")));
        assertTrue(b.accept(entry("dns_trust_anchor /etc/test/anchor.ds")));
        assertFalse(b.accept(entry("relay a@b")));
        b.timeout(entry("dns_timeout 2s"), Duration.ofSeconds(2));
        DnsSettings d = b.build();
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5353),
                new InetSocketAddress(InetAddress.getByName("::1"), 53),
                new InetSocketAddress(InetAddress.getByName("2001:db8::5"), 53000),
                new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 53)), d.servers());
        assertEquals(Path.of("/etc/test/anchor.ds"), d.trustAnchor());
        assertEquals(Duration.ofSeconds(2), d.timeout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"dns_servers ns.example.org", "dns_servers 127.0.0.1:0", "dns_servers 127.0.0.1:65536",
        "dns_servers 127.0.0.1:", "dns_servers 127.0.0.1:53x", "dns_servers [::1", "dns_servers [::1]53",
        "dns_servers 256.0.0.1", "dns_servers 1.2.3", "dns_servers $(id)", "dns_servers -x",
        "dns_servers 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9",
        "dns_trust_anchor root.key", "dns_trust_anchor ../root.key"})
    void refusesBadValuesNamingTheLine(String line) {
        ConfigException e = assertThrows(ConfigException.class, () -> new DnsSettings.Builder().accept(entry(line)));
        assertTrue(e.getMessage().contains("/etc/test.conf") && e.getMessage().contains(line.split(" ")[0]), e.getMessage());
    }

    @Test
    void timeoutBetweenOneSecondAndOneMinute() throws Exception {
        DnsSettings.Builder b = new DnsSettings.Builder();
        assertThrows(ConfigException.class, () -> b.timeout(entry("dns_timeout 0"), Duration.ZERO));
        assertThrows(ConfigException.class, () -> b.timeout(entry("dns_timeout 61"), Duration.ofSeconds(61)));
        b.timeout(entry("dns_timeout 60"), Duration.ofSeconds(60));
        assertEquals(Duration.ofSeconds(60), b.build().timeout());
    }
}
