package net.rsendmail.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.config.HostPort;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.relay.transport.InetProtocols;
import net.rsendmail.relay.transport.SmtpSettings;
import net.rsendmail.relay.transport.SmtpSettings.Mechanism;
import net.rsendmail.relay.transport.SmtpSettings.Secret;
import net.rsendmail.relay.transport.SmtpSettings.TlsMode;
import net.rsendmail.relay.transport.TransportSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransportKeysTest {
    private static final Path FILE = Path.of("/etc/rsendmail.conf");

    private static RelayConfig read(String text) throws ConfigException {
        return RelayConfigReader.build(ConfigFile.parse(FILE, text));
    }

    private static SmtpSettings smtp(TransportSetting t) {
        return assertInstanceOf(TransportSetting.Smtp.class, t).settings();
    }

    @Test
    void sendmailIsTheDefault() throws Exception {
        RelayConfig c = read("[policy a]\nmax_size 1M\n");
        assertInstanceOf(TransportSetting.Sendmail.class, c.transport());
        assertInstanceOf(TransportSetting.Sendmail.class, c.policy("a").transport());
        assertInstanceOf(TransportSetting.Sendmail.class, c.policy(null).transport());
        assertInstanceOf(TransportSetting.Sendmail.class, read("transport sendmail\n").transport());
    }

    @Test
    void aSmarthostWithItsDefaults() throws Exception {
        SmtpSettings s = smtp(read("transport smtp://mail.example.net\n").transport());
        assertEquals(new HostPort("mail.example.net", 25), s.host());
        assertEquals(false, s.implicitTls());
        assertEquals(TlsMode.VERIFY, s.tls(), "verify by default for a smarthost");
        assertEquals(Optional.empty(), s.auth());
        assertEquals(SmtpSettings.DEFAULT_CONNECT_TIMEOUT, s.connectTimeout());
        assertEquals(SmtpSettings.DEFAULT_TIMEOUT, s.timeout());
        assertEquals("smtp://mail.example.net:25", s.name());
        SmtpSettings t = smtp(read("transport smtps://[2001:db8::25]\n").transport());
        assertEquals(new HostPort("2001:db8::25", 465), t.host());
        assertTrue(t.implicitTls());
        assertEquals("smtps://[2001:db8::25]:465", t.name());
        assertEquals(new HostPort("10.0.0.1", 587), smtp(read("transport smtp://10.0.0.1:587\n").transport()).host());
    }

    @Test
    void everyKey() throws Exception {
        SmtpSettings s = smtp(read("transport smtp://smarthost.example.net:587\nsmtp_tls verify\n"
                + "smtp_ca_file /etc/ssl/ca.pem\nsmtp_client_cert /etc/c.pem\nsmtp_client_key /etc/k.pem\n"
                + "smtp_auth login\nsmtp_user relay@example.net\nsmtp_secret_file /etc/rsendmail/secret\n"
                + "helo_name relay.example.net\nsource_address 192.0.2.7\nsmtp_connect_timeout 5\n"
                + "smtp_timeout 60\nsmtp_socks5 127.0.0.1:1080\n").transport());
        assertEquals(TlsMode.VERIFY, s.tls());
        assertEquals(Optional.of(Path.of("/etc/ssl/ca.pem")), s.caFile());
        assertEquals(Optional.of(Path.of("/etc/c.pem")), s.clientCert());
        assertEquals(Optional.of(Path.of("/etc/k.pem")), s.clientKey());
        assertEquals(Mechanism.LOGIN, s.auth().orElseThrow().mechanism());
        assertEquals("relay@example.net", s.auth().orElseThrow().user());
        assertEquals(new Secret.File(Path.of("/etc/rsendmail/secret")), s.auth().orElseThrow().secret());
        assertEquals(Optional.of("relay.example.net"), s.heloName());
        assertEquals(Optional.of(InetAddress.getByName("192.0.2.7")), s.sourceAddress());
        assertEquals(Duration.ofSeconds(5), s.connectTimeout());
        assertEquals(Duration.ofSeconds(60), s.timeout());
        assertEquals(Optional.of(new HostPort("127.0.0.1", 1080)), s.socks5());
        SmtpSettings x = smtp(read("transport smtps://h.example\nsmtp_auth XOAUTH2\nsmtp_user u\n"
                + "smtp_secret_command /usr/local/bin/token --for h.example\n").transport());
        assertEquals(Mechanism.XOAUTH2, x.auth().orElseThrow().mechanism());
        assertEquals(new Secret.Command(List.of("/usr/local/bin/token", "--for", "h.example"), Duration.ofSeconds(10)),
                x.auth().orElseThrow().secret());
    }

    @Test
    void aPolicyOverridesTheTopLevelKeyByKey() throws Exception {
        RelayConfig c = read("transport smtp://a.example\nsmtp_tls verify\nsmtp_timeout 30\n"
                + "[policy other]\ntransport smtp://b.example:2525\nsmtp_tls may\n"
                + "[policy local]\ntransport sendmail\n"
                + "[policy same]\nmax_size 1M\n");
        assertEquals(new HostPort("a.example", 25), smtp(c.transport()).host());
        SmtpSettings other = smtp(c.policy("other").transport());
        assertEquals(new HostPort("b.example", 2525), other.host());
        assertEquals(TlsMode.MAY, other.tls());
        assertEquals(Duration.ofSeconds(30), other.timeout(), "inherited");
        assertInstanceOf(TransportSetting.Sendmail.class, c.policy("local").transport());
        assertEquals(smtp(c.transport()), smtp(c.policy("same").transport()));
        assertEquals(smtp(c.transport()), smtp(c.policy(null).transport()), "the built-in default policy too");
    }

    @Test
    void directToMxWithItsDefaultsAndItsDnsKeys() throws Exception {
        TransportSetting.Mx mx = assertInstanceOf(TransportSetting.Mx.class, read("transport mx\n").transport());
        assertEquals(TlsMode.MAY, mx.smtp().tls(), "opportunistic TLS towards MX hosts unless DANE asks for more");
        assertEquals(InetProtocols.ALL, mx.smtp().inet());
        assertEquals(DnsSettings.DEFAULTS, mx.dns(), "the system resolver and Debian's root key");
        TransportSetting.Mx set = assertInstanceOf(TransportSetting.Mx.class, read("transport mx\nsmtp_tls verify\n"
                + "inet_protocols ipv4\ndns_servers 127.0.0.53 [::1]:5353\ndns_timeout 3s\n"
                + "dns_trust_anchor /etc/rsendmail/anchor.ds\nhelo_name relay.example.net\n").transport());
        assertEquals(TlsMode.VERIFY, set.smtp().tls());
        assertEquals(InetProtocols.IPV4, set.smtp().inet());
        assertEquals(List.of(new InetSocketAddress("127.0.0.53", 53), new InetSocketAddress("::1", 5353)),
                set.dns().servers());
        assertEquals(Duration.ofSeconds(3), set.dns().timeout());
        assertEquals(Path.of("/etc/rsendmail/anchor.ds"), set.dns().trustAnchor());
        SmtpSettings hop = set.smtp().forHop("mx1.example.net", TlsMode.VERIFY);
        assertEquals("smtp://mx1.example.net:25", hop.name());
        assertEquals(Optional.of("relay.example.net"), hop.heloName());
        assertEquals(InetProtocols.IPV6, smtp(read("transport smtp://a.example\ninet_protocols ipv6\n").transport()).inet());
        // a policy that chose mx does not use the smarthost's AUTH it inherited, nor a smarthost policy the DNS keys
        RelayConfig c = read("transport smtp://a.example\nsmtp_auth PLAIN\nsmtp_user u\nsmtp_secret_file /s\n"
                + "[policy direct]\ntransport mx\ndns_servers 127.0.0.1\n");
        assertEquals(Optional.empty(), assertInstanceOf(TransportSetting.Mx.class, c.policy("direct").transport())
                .smtp().auth());
        assertTrue(smtp(c.transport()).auth().isPresent());
        RelayConfig d = read("transport mx\ndns_servers 127.0.0.1\n[policy hub]\ntransport smtp://hub.example\n");
        assertEquals(new HostPort("hub.example", 25), smtp(d.policy("hub").transport()).host());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        "transport lmtp://x;                         1: transport: expected one of sendmail, mx, smtp://HOST[:PORT], smtps://HOST[:PORT], not 'lmtp://x'",
        "transport MX;                               1: transport: expected one of sendmail, mx,",
        "transport mx\\nsmtp_auth PLAIN;              2: smtp_auth is for a smarthost: transport mx authenticates to no one",
        "transport mx\\nsmtp_user u;                  2: smtp_user is for a smarthost",
        "transport smtp://a\\ndns_servers 127.0.0.1;  2: dns_servers is for transport mx",
        "transport mx\\ndns_servers ns.example;       2: dns_servers: 'ns.example' is not a numeric address",
        "transport mx\\ndns_servers 127.0.0.1:0;      2: dns_servers: bad port",
        "transport mx\\ndns_timeout 0;                2: dns_timeout: expected 1s to 60s",
        "transport mx\\ndns_timeout 2m;               2: dns_timeout: expected 1s to 60s",
        "transport mx\\ndns_timeout soon;             2: dns_timeout: expected a duration",
        "transport mx\\ndns_trust_anchor root.key;    2: dns_trust_anchor",
        "transport mx\\ninet_protocols ipv5;          2: inet_protocols: expected ipv4, ipv6 or all, not 'ipv5'",
        "transport mx\\ninet_protocols ipv4 ipv6;     2: inet_protocols: expected ipv4, ipv6 or all",
        "inet_protocols ipv4;                        1: inet_protocols needs transport smtp://HOST, smtps://HOST or mx",
        "transport smtp://;                          1: transport: bad host name ''",
        "transport smtp://a b;                       1: transport: expected one of",
        "transport smtp://-a.example;                1: transport: bad host name '-a.example'",
        "transport smtp://a.example:0;               1: transport: bad port '0'",
        "transport smtp://a.example:65536;           1: transport: bad port '65536'",
        "transport smtp://[::1;                      1: transport: '[' without ']'",
        "transport SMTP://a.example;                 1: transport: expected one of",
        "transport smtp://a\\ntransport smtp://b;     2: transport given twice",
        "transport smtp://a\\nsmtp_tls always;        2: smtp_tls: expected none, may, encrypt or verify, not 'always'",
        "transport smtp://a\\nsmtp_tls VERIFY;        2: smtp_tls: expected none, may, encrypt or verify",
        "transport smtps://a\\nsmtp_tls none;         2: smtp_tls none contradicts smtps://",
        "transport smtp://a\\nsmtp_ca_file ca.pem;    2: smtp_ca_file",
        "transport smtp://a\\nsmtp_client_cert /c;    2: smtp_client_cert and smtp_client_key go together",
        "transport smtp://a\\nsmtp_client_key /k;     2: smtp_client_cert and smtp_client_key go together",
        "transport smtp://a\\nsmtp_auth CRAM-MD5;     2: smtp_auth: expected PLAIN, LOGIN or XOAUTH2, not 'CRAM-MD5'",
        "transport smtp://a\\nsmtp_auth PLAIN;        2: smtp_auth needs smtp_user",
        "transport smtp://a\\nsmtp_auth PLAIN\\nsmtp_user u; 2: smtp_auth needs one of smtp_secret_file and smtp_secret_command",
        "transport smtp://a\\nsmtp_auth PLAIN\\nsmtp_user u\\nsmtp_secret_file /s\\nsmtp_secret_command /c; 2: smtp_auth needs one of",
        "transport smtp://a\\nsmtp_tls may\\nsmtp_auth PLAIN\\nsmtp_user u\\nsmtp_secret_file /s; 3: smtp_auth needs smtp_tls verify (the default)",
        "transport smtp://a\\nsmtp_tls none\\nsmtp_auth PLAIN\\nsmtp_user u\\nsmtp_secret_file /s; 3: smtp_auth needs smtp_tls verify",
        "transport smtp://a\\nsmtp_tls encrypt\\nsmtp_auth PLAIN\\nsmtp_user u\\nsmtp_secret_file /s; 3: smtp_auth needs smtp_tls verify",
        "transport smtps://a\\nsmtp_tls encrypt\\nsmtp_auth PLAIN\\nsmtp_user u\\nsmtp_secret_file /s; 3: smtp_auth needs smtp_tls verify",
        "transport smtp://a\\nsmtp_user u;            2: smtp_user without smtp_auth",
        "transport smtp://a\\nsmtp_secret_file /s;    2: smtp_secret_file without smtp_auth",
        "transport smtp://a\\nsmtp_user a b;          2: smtp_user: expected one word of printable ASCII",
        "transport smtp://a\\nsmtp_user gr\u00fc\u00dfe;        2: smtp_user: expected one word of printable ASCII",
        "transport smtp://a\\nsmtp_secret_command token; 2: smtp_secret_command: expected an absolute program path",
        "transport smtp://a\\nsmtp_secret_command;    2: smtp_secret_command: expected an absolute program path",
        "transport smtp://a\\nhelo_name a..b;         2: helo_name: not a domain name: 'a..b'",
        "transport smtp://a\\nhelo_name [127.0.0.1];  2: helo_name: not a domain name",
        "transport smtp://a\\nhelo_name a b;          2: helo_name: not a domain name",
        "transport smtp://a\\nsource_address host.example; 2: source_address: 'host.example' is not a numeric address",
        "transport smtp://a\\nsmtp_timeout 0;         2: smtp_timeout: seconds from 1 to 3600, not 0",
        "transport smtp://a\\nsmtp_connect_timeout 3601; 2: smtp_connect_timeout: seconds from 1 to 3600",
        "transport smtp://a\\nsmtp_timeout 1m;        2: smtp_timeout",
        "transport smtp://a\\nsmtp_socks5 127.0.0.1;  2: smtp_socks5: a port is needed",
        "transport smtp://a\\nsmtp_socks5 a:1 b:2;    2: smtp_socks5: expected HOST:PORT",
        "smtp_tls verify;                            1: smtp_tls needs transport smtp://HOST, smtps://HOST or mx",
        "[policy p]\\ntransport sendmail\\nsmtp_tls may; 3: smtp_tls needs transport smtp://HOST, smtps://HOST or mx",
        "[policy p]\\ntransport smtp://a\\n[policy q]\\nsmtp_tls may; 4: smtp_tls needs transport smtp://HOST",
    })
    void eachBadLineIsOneClearError(String text, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(text.replace("\\n", "\n")));
        assertTrue(e.getMessage().startsWith(FILE + ":" + expected), e.getMessage());
    }
}
