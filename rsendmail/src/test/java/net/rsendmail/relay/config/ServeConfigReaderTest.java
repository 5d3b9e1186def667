package net.rsendmail.relay.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServeConfigReaderTest {
    private static final Path FILE = Path.of("/etc/rsendmail.conf");
    private static final String BASE = "host_key /var/lib/rsendmail/hk\nauthorized_keys /etc/rsendmail/ak\n";

    private static ServeConfig read(String text) throws ConfigException {
        return ServeConfigReader.build(FILE, ConfigFile.parse(FILE, text));
    }

    @Test
    void defaultsAndEveryKey() throws Exception {
        ServeConfig c = read("listen 127.0.0.1:2222\n" + BASE);
        assertEquals(List.of(new InetSocketAddress("127.0.0.1", 2222)), c.listen());
        assertEquals(List.of(Path.of("/var/lib/rsendmail/hk")), c.hostKeys());
        assertEquals(Path.of("/etc/rsendmail/ak"), c.authorizedKeys());
        assertEquals(ServeConfig.DEFAULT_MAX_SESSIONS, c.maxSessions());
        assertEquals(ServeConfig.DEFAULT_MAX_SESSIONS_PER_KEY, c.maxSessionsPerKey());
        assertEquals(ServeConfig.DEFAULT_MAX_STARTUPS, c.maxStartups());
        assertEquals(ServeConfig.DEFAULT_AUTH_TIMEOUT, c.authTimeout());
        ServeConfig d = read("listen 0.0.0.0:22\nlisten [::]:2222\nlisten [2001:db8::1]:0\n" + BASE
                + "host_key /k2\nmax_sessions 1\nmax_sessions_per_key 100000\nmax_startups 3\nauth_timeout 5\n"
                + "[policy x]\nlisten 1.2.3.4:5\n");
        assertEquals(List.of(new InetSocketAddress("0.0.0.0", 22), new InetSocketAddress("::", 2222),
                new InetSocketAddress("2001:db8::1", 0)), d.listen());
        assertEquals(List.of(Path.of("/var/lib/rsendmail/hk"), Path.of("/k2")), d.hostKeys());
        assertEquals(List.of(1, 100000, 3), List.of(d.maxSessions(), d.maxSessionsPerKey(), d.maxStartups()));
        assertEquals(5, d.authTimeout());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        "listen 127.0.0.1;                       expected ADDRESS:PORT",
        "listen :22;                             expected ADDRESS:PORT",
        "listen 127.0.0.1:22 [::1]:22;           expected ADDRESS:PORT",
        "listen ::1:22;                          goes in brackets",
        "listen [::1:22;                         goes in brackets",
        "listen localhost:22;                    not a numeric address",
        "listen relay.example.org:22;            not a numeric address",
        "listen cafe:22;                         not a numeric address",
        "listen 999.0.0.1:22;                    above 255",
        "listen 127.1:22;                        not a numeric address",
        "listen []:22;                           not a numeric address",
        "listen [fe80::1%eth0]:22;               not a numeric address",
        "listen 127.0.0.1:;                      bad port",
        "listen 127.0.0.1:x;                     bad port",
        "listen 127.0.0.1:+22;                   bad port",
        "listen 127.0.0.1:-1;                    bad port",
        "listen 127.0.0.1:123456;                bad port",
        "listen 127.0.0.1:65536;                 port out of range",
        "listen 127.0.0.1:22\\nmax_sessions 0;    from 1 to 100000, not 0",
        "listen 127.0.0.1:22\\nmax_startups 100001; from 1 to 100000",
        "listen 127.0.0.1:22\\nauth_timeout -1;   auth_timeout",
        "listen 127.0.0.1:22\\nmax_sessions_per_key many; max_sessions_per_key",
        "listen 127.0.0.1:22\\nmax_sessions;      max_sessions",
        "listen 127.0.0.1:22\\nprincipal_policy laptop-*; expected PATTERN POLICY",
        "listen 127.0.0.1:22\\nprincipal_policy a b c; expected PATTERN POLICY",
        "listen 127.0.0.1:22\\nprincipal_policy laptop-* nosuch; :2: principal_policy: no [policy nosuch] section",
        "listen 127.0.0.1:22\\nrevoked_keys relative/path; revoked_keys",
        "listen 127.0.0.1:22\\nhost_certificate relative; host_certificate",
    })
    void badValuesNameTheProblem(String lines, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> read(lines.replace("\\n", "\n") + "\n" + BASE));
        assertTrue(e.getMessage().contains(message.strip()), e.getMessage());
        assertTrue(e.getMessage().contains(FILE.toString()), e.getMessage());
    }

    /** Certificates: host certificates and principal_policy repeat, in file order; revoked_keys is one file. */
    @Test
    void certificateKeys() throws Exception {
        ServeConfig c = read("listen 127.0.0.1:22\n" + BASE + "host_certificate /hk-cert.pub\nhost_certificate /k2-cert.pub\n"
                + "principal_policy laptop-* laptop\nprincipal_policy * other\nrevoked_keys /etc/rsendmail/revoked\n"
                + "[policy laptop]\n[policy other]\n");
        assertEquals(List.of(Path.of("/hk-cert.pub"), Path.of("/k2-cert.pub")), c.hostCertificates());
        assertEquals(List.of(new PrincipalPolicy("laptop-*", "laptop"), new PrincipalPolicy("*", "other")),
                c.principalPolicies());
        assertEquals(Path.of("/etc/rsendmail/revoked"), c.revokedKeys());
        ServeConfig d = read("listen 127.0.0.1:22\n" + BASE);
        assertEquals(List.of(), d.hostCertificates());
        assertEquals(List.of(), d.principalPolicies());
        assertEquals(null, d.revokedKeys());
    }

    @Test
    void requiredKeys() {
        assertTrue(assertThrows(ConfigException.class, () -> read(BASE)).getMessage().contains("at least one 'listen"));
        assertTrue(assertThrows(ConfigException.class, () -> read("listen 127.0.0.1:1\nauthorized_keys /a\n"))
                .getMessage().contains("at least one 'host_key"));
        assertTrue(assertThrows(ConfigException.class, () -> read("listen 127.0.0.1:1\nhost_key /k\n"))
                .getMessage().contains("'authorized_keys PATH'"));
        assertTrue(assertThrows(ConfigException.class, () -> read("listen 127.0.0.1:1\n" + BASE.replace("/etc/", "etc/")))
                .getMessage().contains(FILE.toString()));
    }
}
