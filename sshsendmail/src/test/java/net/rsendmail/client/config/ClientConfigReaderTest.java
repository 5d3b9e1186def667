package net.rsendmail.client.config;

import net.rsendmail.config.Durations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientConfigReaderTest {
    static final Path F = Path.of("/etc/sshsendmail.conf");

    static ClientConfig parse(String text) throws ConfigException {
        return ClientConfigReader.parse(F, ConfigFile.parse(F, text));
    }

    @Test
    void allKeys() throws ConfigException {
        ClientConfig c = parse("# comment\n"
                + "relay mail@relay.example.net\n"
                + "relay mail@relay2.example.net:2222   # fallback\n"
                + "relay mail@[2001:db8::1]:22\n"
                + "identity /etc/sshsendmail/id_ed25519\n"
                + "known_hosts /etc/sshsendmail/known_hosts\n"
                + "queue /var/spool/sshsendmail\n"
                + "domain host.example.net\n"
                + "connect_timeout 5s\nauth_timeout 7\ncommand_timeout 2m\nmax_lifetime 3d\n"
                + "delay_warning 6h\n"
                + "retry_min 30s\nretry_max 2h\nidle_timeout 0\nlog none\nbackground no\n"
                + "remote_command /usr/local/bin/rsendmail\nrequire_tls yes\n");
        assertEquals(List.of(new RelayAddress("mail", "relay.example.net", 22),
                new RelayAddress("mail", "relay2.example.net", 2222), new RelayAddress("mail", "2001:db8::1", 22)),
                c.relays());
        assertEquals(Path.of("/etc/sshsendmail/id_ed25519"), c.identity());
        assertEquals(Duration.ofSeconds(5), c.connectTimeout());
        assertEquals(Duration.ofSeconds(7), c.authTimeout());
        assertEquals(Duration.ofMinutes(2), c.commandTimeout());
        assertEquals(Duration.ofDays(3), c.maxLifetime());
        assertEquals(Duration.ofHours(6), c.delayWarning());
        assertEquals(Duration.ZERO, c.idleTimeout());
        assertEquals("none", c.log().target().word());
        assertEquals(false, c.background());
        assertEquals("host.example.net", c.domain());
        assertEquals("/usr/local/bin/rsendmail", c.remoteCommand());
        assertEquals(true, c.requireTls());
    }

    @Test
    void defaults() throws ConfigException {
        ClientConfig c = parse("");
        assertEquals(Duration.ofDays(5), c.maxLifetime());
        assertEquals(Duration.ofHours(4), c.delayWarning(), "as Postfix's delay_warning_time once set");
        assertEquals(Duration.ZERO, parse("delay_warning 0\n").delayWarning(), "0 = no delay warnings");
        assertEquals(ClientConfig.DEFAULT_QUEUE, c.queue());
        assertEquals("rsendmail", c.remoteCommand());
        assertEquals(false, c.requireTls(), "REQUIRETLS only when asked");
    }

    @Test
    void errorsNameFileAndLine() {
        assertError("relay mail@x\nbogus 1\n", ":2: unknown key 'bogus'");
        assertError("relay nouser\n", ":1: relay:");
        assertError("relay a@b:99999\n", "bad port");
        assertError("identity relative/path\n", ":1: identity: expected an absolute path");
        assertError("queue /a\nqueue /b\n", ":2: queue given twice");
        assertError("connect_timeout soon\n", ":1: connect_timeout: expected a duration");
        assertError("connect_timeout 0\n", "must be more than 0");
        assertError("delay_warning 4 hours\n", ":1: delay_warning: expected a duration");
        assertError("log syslog2\n", ":1: log:");
        assertError("require_tls always\n", ":1: require_tls");
        assertError("[policy x]\nrelay a@b\n", "sections are not used");
        assertError("remote_command /bin/sh\n", "remote_command");
        assertError("domain bad_domain!\n", "domain");
        assertError("identity\n", "missing value");
    }

    private static void assertError(String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(text));
        assertTrue(e.getMessage().startsWith(F.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }

    @Test
    void missingDefaultFileMeansDefaultsButMissingExplicitFileIsAnError(@TempDir Path dir) throws Exception {
        assertEquals(ClientConfig.defaults(), ClientConfigReader.load(dir.resolve("none.conf"), false));
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfigReader.load(dir.resolve("none.conf"), true));
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
        Path f = Files.writeString(dir.resolve("c.conf"), "relay a@b\n");
        assertEquals(1, ClientConfigReader.load(f, true).relays().size());
    }

    @Test
    void relayAddresses() {
        assertEquals("[h.example]:2222", RelayAddress.parse("u@h.example:2222").knownHostsName());
        assertEquals("h.example", RelayAddress.parse("u@h.example").knownHostsName());
        assertEquals("u@h.example:2222", RelayAddress.parse("u@h.example:2222").toString());
        assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse("@h"));
        assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse("u@-h"));
        assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse("u;x@h"));
        assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse("u@h:0"));
        assertThrows(IllegalArgumentException.class, () -> RelayAddress.parse("u@[::1"));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
        assertEquals(Duration.ofDays(14), Durations.parse("2w"));
        assertEquals("5d", Durations.format(Duration.ofDays(5)));
        assertEquals("90s", Durations.format(Duration.ofSeconds(90)));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("-1s"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("1y"));
    }

    @Test
    void batchKey() throws ConfigException {
        assertEquals(ClientConfig.Batch.AUTO, parse("").batch());
        assertEquals(ClientConfig.Batch.YES, parse("batch yes\n").batch());
        assertEquals(ClientConfig.Batch.NO, parse("batch no\n").batch());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("batch maybe\n"));
        assertTrue(e.getMessage().contains("batch: expected auto, yes or no, got 'maybe'"), e.getMessage());
    }

    @Test
    void hostKeyDnsAndItsDnsKeys() throws Exception {
        ClientConfig d = parse("");
        assertEquals(false, d.hostKeyDns());
        assertEquals(net.rsendmail.dns.DnsSettings.DEFAULTS, d.dns());
        ClientConfig c = parse("host_key_dns yes\ndns_servers 127.0.0.9:5300 [::1]:53\ndns_timeout 3s\n"
                + "dns_trust_anchor /etc/sshsendmail/anchor.ds\n");
        assertEquals(true, c.hostKeyDns());
        assertEquals(List.of(new java.net.InetSocketAddress(java.net.InetAddress.getByName("127.0.0.9"), 5300),
                new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 53)), c.dns().servers());
        assertEquals(Duration.ofSeconds(3), c.dns().timeout());
        assertEquals(Path.of("/etc/sshsendmail/anchor.ds"), c.dns().trustAnchor());
        assertError("host_key_dns maybe\n", ":1: host_key_dns: expected yes or no");
        assertError("host_key_dns yes\nhost_key_dns no\n", ":2: host_key_dns given twice");
        assertError("dns_servers resolver.example\n", ":1: dns_servers:");
        assertError("dns_timeout 2m\n", ":1: dns_timeout: expected 1s to 60s");
        assertError("dns_timeout soon\n", ":1: dns_timeout: expected a duration");
        assertError("dns_trust_anchor root.key\n", ":1: dns_trust_anchor: expected an absolute path");
    }
}
