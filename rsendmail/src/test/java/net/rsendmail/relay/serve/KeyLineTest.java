package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class KeyLineTest {
    private static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO4suykjxzUK4aVt/4XWCvnoZx4A05xKKfBaMO/0gjvx k1";
    private static final String ECDSA = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAeXI91m"
            + "/1tHyw2gUdHpxdzy+RonQyoTTpByaN3CYIqRb1nxggJmS+EHDt9Hfw/lmN3HAkd8ItX6kT8EFKAveCQ= k2";

    private static KeyLine line(String options) {
        return KeyLine.parse(7, options.isEmpty() ? ED25519 : options + " " + ED25519);
    }

    private static String refusal(String options) {
        return assertThrows(IllegalArgumentException.class, () -> line(options)).getMessage();
    }

    @Test
    void aBareKeyHasNoOptions() {
        KeyLine l = line("");
        assertEquals(7, l.number());
        assertEquals(List.of(), l.trusted());
        assertNull(l.from());
        assertNull(l.expiry());
        assertTrue(l.fingerprint().startsWith("SHA256:"), l.fingerprint());
        assertEquals("EC", KeyLine.parse(1, ECDSA).key().getAlgorithm());
    }

    /** command=: only --config and --policy are read from it, in the order serve passes them on. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        "restrict,command=\"/opt/rsendmail/bin/rsendmail --policy laptop\";         --policy|laptop",
        "command=\"rsendmail --config /etc/r.conf --policy p\";                    --config|/etc/r.conf|--policy|p",
        "command=\"rsendmail --policy=p --config=/etc/r.conf\";                    --config|/etc/r.conf|--policy|p",
        "command=\"sendmail\";                                                     ",
        "command=\"rsendmail\";                                                    ",
        "command=\"'rsendmail' \\\"--policy\\\" 'a b'\";                           --policy|a b",
        "no-pty,no-port-forwarding,no-agent-forwarding,no-x11-forwarding,no-user-rc,restrict,command=\"rsendmail --policy p\"; --policy|p",
        "restrict,RESTRICT,Command=\"rsendmail --policy p\";                       --policy|p",
    })
    void commandGivesTheTrustedOptions(String options, String trusted) {
        List<String> expected = trusted == null ? List.of() : List.of(trusted.strip().split("\\|"));
        assertEquals(expected, line(options.strip()).trusted());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\0', value = {
        "command=\"/bin/sh -c rsendmail\"~                 command not allowed",
        "command=\"rsendmail.sh\"~                         command not allowed",
        "command=\"/opt/x y/rsendmail\"~                   command not allowed",
        "command=\"rsendmail -f a@example.org\"~           only --config and --policy",
        "command=\"rsendmail --policy p -t\"~              only --config and --policy",
        "command=\"rsendmail --check\"~                    only --config and --policy",
        "command=\"rsendmail --policy\"~                   --policy needs a value",
        "command=\"rsendmail --policy=\"~                  --policy needs a value",
        "command=\"rsendmail; id\"~                        command=:",
        "command=\"rsendmail --policy $(id)\"~             command=:",
        "command=\"rsendmail --policy 'p\"~                command=:",
        "command=\"\"~                                     empty",
        "command=\"   \"~                                  empty",
        "command~                                          command needs a value",
        "from~                                             from needs a value",
        "expiry-time~                                      expiry-time needs a value",
        "from=\"10.0.0.0/8\",from=\"0.0.0.0/0\"~           from given twice",
        "command=\"rsendmail\",COMMAND=\"rsendmail --policy x\"~ command given twice",
        "expiry-time=\"20300101Z\",expiry-time=\"20990101Z\"~ expiry-time given twice",
        "restrict=\"yes\"~                                 'restrict' is not supported",
        "pty~                                              'pty' is not supported",
        "port-forwarding~                                  'port-forwarding' is not supported",
        "agent-forwarding~                                 'agent-forwarding' is not supported",
        "x11-forwarding~                                   'x11-forwarding' is not supported",
        "user-rc~                                          'user-rc' is not supported",
        "permitopen=\"localhost:25\"~                      'permitopen' is not supported",
        "permitlisten=\"0.0.0.0:25\"~                      'permitlisten' is not supported",
        "environment=\"LD_PRELOAD=/tmp/x.so\"~             'environment' is not supported",
        "tunnel=\"0\"~                                     'tunnel' is not supported",
        "principals=\"root\"~                              principals= is only for a cert-authority line",
        "cert-authority=\"yes\"~                           cert-authority takes no value",
        "cert-authority,principals~                        principals needs a value",
        "cert-authority,principals=\"\"~                   names are printable ASCII",
        "cert-authority,principals=\"a,,b\"~               names are printable ASCII",
        "cert-authority,principals=\"a b\"~                names are printable ASCII",
        "cert-authority,principals=\"a\u0007\"~            names are printable ASCII",
        "cert-authority,cert-authority~                    cert-authority given twice",
        "cert-authority,principals=\"a\",principals=\"b\"~ principals given twice",
        "no-touch-required~                                'no-touch-required' is not supported",
        "verify-required~                                  'verify-required' is not supported",
        "from=\"*.example.org\"~                           host name pattern",
        "from=\"\"~                                        empty pattern",
    })
    void refusedOptions(String options, String message) {
        String m = refusal(options.strip());
        assertTrue(m.contains(message.strip()), m);
    }

    /** cert-authority: the key is a CA; principals= (literal names) only on such a line. */
    @Test
    void certAuthorityLinesCarryTheirPrincipals() {
        KeyLine ca = line("cert-authority,principals=\"laptop-1,build\",command=\"rsendmail --policy p\",from=\"127.0.0.1\"");
        assertTrue(ca.certAuthority());
        assertEquals(List.of("laptop-1", "build"), ca.principals());
        assertEquals(List.of("--policy", "p"), ca.trusted());
        KeyLine bare = line("cert-authority");
        assertTrue(bare.certAuthority());
        assertNull(bare.principals());
        assertTrue(!line("").certAuthority());
    }

    /** A certificate in authorized_keys is no key to log in with: OpenSSH wants its CA on a cert-authority line. */
    @Test
    void aCertificateIsNotAnAuthorizedKey() {
        String cert = "ssh-ed25519-cert-v01@openssh.com AAAAIHNzaC1lZDI1NTE5LWNlcnQtdjAxQG9wZW5zc2guY29tAAAAIB";
        assertThrows(IllegalArgumentException.class, () -> KeyLine.parse(1, cert));
    }

    @Test
    void unsupportedOptionNamesAreShortenedAndEscapedInTheReason() {
        String m = refusal("x".repeat(5000) + "\u001b[31m");
        assertTrue(m.length() < 200, m);
        assertTrue(!m.contains("\u001b"), m);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "restrict", "ssh-ed25519", "ssh-ed25519 AAAAnotbase64!!", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5",
        "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIO4suykjxzUK4aVt/4XWCvnoZx4A05xKKfBaMO/0gjvx", "restrict ssh-dss AAAAB3NzaC1kc3M=",
        "ssh-ed25519,command=\"rsendmail\" AAAAC3NzaC1lZDI1NTE5AAAAIO4suykjxzUK4aVt/4XWCvnoZx4A05xKKfBaMO/0gjvx"})
    void linesWithoutAUsableKeyAreRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> KeyLine.parse(1, text));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "20300101Z;       2030-01-01T00:00:00Z",
        "203001011230Z;   2030-01-01T12:30:00Z",
        "20300101123059Z; 2030-01-01T12:30:59Z",
        "20240229Z;       2024-02-29T00:00:00Z",
        "20300101z;       2030-01-01T00:00:00Z",
        "20300101UTC;     2030-01-01T00:00:00Z",
        "203001011230utc; 2030-01-01T12:30:00Z",
    })
    void expiryTimeInUtc(String value, String instant) {
        assertEquals(Instant.parse(instant.strip()), line("expiry-time=\"" + value.strip() + "\"").expiry());
    }

    @Test
    void expiryTimeWithoutZIsLocalTime() {
        Instant want = LocalDateTime.of(2030, 1, 1, 12, 30).atZone(ZoneId.systemDefault()).toInstant();
        assertEquals(want, line("expiry-time=\"203001011230\"").expiry());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Z", "2030", "2030010", "2030010112Z", "20300101123Z", "203001011230591Z", "UTC", "20300101ZZ", "20300101UTCZ", "20300101 UTC",
        "20300101 Z", " 20300101Z", "2030-01-01", "20301301Z", "20300001Z", "20300100Z", "20230229Z", "20300231Z",
        "20300132Z", "203001012400Z", "203001011260Z", "20300101235960Z", "+2030101Z", "２０３００１０１Z"})
    void badExpiryTimesAreRefused(String value) {
        String m = refusal("expiry-time=\"" + value + "\"");
        assertTrue(m.startsWith("expiry-time="), m);
    }

    @Test
    void refusalSaysWhyAKeyMayNotLogInNow() throws Exception {
        InetAddress inside = InetAddress.getByName("10.1.2.3");
        InetAddress outside = InetAddress.getByName("192.0.2.1");
        KeyLine l = line("from=\"10.0.0.0/8\",expiry-time=\"20300101Z\"");
        Instant before = Instant.parse("2029-12-31T23:59:59Z");
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        assertNull(l.refusal(inside, before));
        assertEquals("address 192.0.2.1 not in from=\"10.0.0.0/8\" (line 7)", l.refusal(outside, before));
        assertEquals("key expired at 2030-01-01T00:00:00Z (expiry-time=, line 7)", l.refusal(inside, at));
        assertNull(line("restrict").refusal(outside, at));
    }
}
