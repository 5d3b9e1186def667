package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.relay.config.PrincipalPolicy;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The certificate rules on certificates signed with MINA's builder, against a real authorized_keys file. */
class CertificateRulesTest {
    private static final Instant NOW = Instant.now();
    private static final InetAddress CLIENT = NumericAddress.parse("192.0.2.7");
    private static KeyPair ca;
    private static KeyPair other;
    private static KeyPair user;

    @TempDir
    Path dir;
    private final List<String> log = new ArrayList<>();
    private CertificateRules rules;

    @BeforeAll
    static void keys() throws Exception {
        ca = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        other = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        user = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
    }

    @BeforeEach
    void file() throws Exception {
        authorize("cert-authority,principals=\"laptop-1,laptop-2,build-1,kiosk-1\" ", "");
    }

    private void authorize(String options, String revoked) throws Exception {
        Files.writeString(dir.resolve("ak"), options + PublicKeyEntry.toString(ca.getPublic()) + "\n");
        Files.writeString(dir.resolve("revoked"), revoked);
        AuthorizedKeys keys = new AuthorizedKeys(dir.resolve("ak"), log::add);
        RevokedKeys r = RevokedKeys.of(dir.resolve("revoked"), log::add);
        rules = new CertificateRules(keys, r, List.of(new PrincipalPolicy("laptop-*", "laptops"),
                new PrincipalPolicy("build-?", "builds"), new PrincipalPolicy("laptop-1", "never-reached")));
    }

    private static OpenSshCertificateBuilder cert(String... principals) {
        return OpenSshCertificateBuilder.userCertificate().publicKey(user.getPublic()).id("id-1").serial(42)
                .principals(List.of(principals)).validAfter(NOW.minus(Duration.ofMinutes(5)))
                .validBefore(NOW.plus(Duration.ofHours(1)));
    }

    private CertificateRules.Decision check(OpenSshCertificateBuilder b) throws Exception {
        return rules.check(b.sign(ca), "relay", CLIENT, NOW);
    }

    private String refused(OpenSshCertificateBuilder b) throws Exception {
        return assertInstanceOf(CertificateRules.Refused.class, check(b)).reason();
    }

    private CertificateRules.Accepted accepted(OpenSshCertificateBuilder b) throws Exception {
        return assertInstanceOf(CertificateRules.Accepted.class, check(b));
    }

    @Test
    void theFirstMatchingPrincipalPolicyLineSelectsThePolicy() throws Exception {
        CertificateRules.Accepted a = accepted(cert("laptop-2"));
        assertEquals("laptops", a.policy());
        assertEquals(List.of("--policy", "laptops"), a.login().trusted());
        assertEquals(KeyUtils.getFingerPrint(user.getPublic()), a.login().key());
        assertEquals("builds", accepted(cert("build-1", "stranger")).policy());
    }

    @Test
    void principalsMustBeOnTheLineOrBeTheLoginNameWithoutOne() throws Exception {
        assertTrue(refused(cert("stranger")).contains("certificate principals stranger not in principals=\"laptop-1,"),
                log.toString());
        authorize("cert-authority,command=\"rsendmail --policy p\" ", "");
        assertEquals("p", accepted(cert("relay")).policy());
        assertTrue(refused(cert("laptop-1")).contains("do not include the login name relay"));
    }

    @Test
    void policySourcesMustAgreeAndOneMustNameAPolicy() throws Exception {
        assertTrue(refused(cert("laptop-1", "build-1")).contains("policies disagree: principal_policy laptop-* (principal"
                + " laptop-1) names laptops, principal_policy build-? (principal build-1) names builds"));
        assertEquals("laptops", accepted(cert("laptop-1").criticalOption("force-command", "rsendmail --policy laptops"))
                .policy());
        assertTrue(refused(cert("laptop-1").criticalOption("force-command", "rsendmail --policy builds"))
                .contains("force-command names builds"));
        authorize("cert-authority,principals=\"kiosk-1,laptop-1\",command=\"/usr/bin/rsendmail --config /etc/k.conf --policy k\" ", "");
        CertificateRules.Accepted a = accepted(cert("kiosk-1").criticalOption("force-command", "rsendmail --policy k"));
        assertEquals(List.of("--config", "/etc/k.conf", "--policy", "k"), a.login().trusted());
        assertTrue(refused(cert("laptop-1")).contains("command= (line 1) names k, principal_policy laptop-*"));
        assertTrue(refused(cert("kiosk-1").criticalOption("force-command", "rsendmail --config /etc/other.conf"))
                .contains("--config disagrees"));
        authorize("cert-authority,principals=\"kiosk-1\" ", "");
        rules = new CertificateRules(new AuthorizedKeys(dir.resolve("ak"), log::add), RevokedKeys.of(null, log::add), List.of());
        assertTrue(refused(cert("kiosk-1")).contains("no policy for principal(s) kiosk-1"));
        assertEquals(List.of("--config", "/c", "--policy", "k"),
                accepted(cert("kiosk-1").criticalOption("force-command", "rsendmail --config /c --policy k")).login().trusted());
    }

    @Test
    void theValidityWindowHasNoSkew() throws Exception {
        assertTrue(refused(cert("laptop-1").validBefore(NOW.minusSeconds(1))).startsWith("certificate expired at "));
        assertTrue(refused(cert("laptop-1").validAfter(NOW.plusSeconds(1))).startsWith("certificate not valid before "));
        accepted(cert("laptop-1").validAfter(NOW).validBefore(NOW.plusSeconds(1)));
        refused(cert("laptop-1").validAfter(NOW.minusSeconds(9)).validBefore(NOW));
        // ssh-keygen's default: valid from the epoch forever (unsigned 2^64-1)
        accepted(cert("laptop-1").validAfter(0L).validBefore(-1L));
    }

    @Test
    void criticalOptions() throws Exception {
        accepted(cert("laptop-1").criticalOption("source-address", "10.0.0.0/8,192.0.2.0/24"));
        assertTrue(refused(cert("laptop-1").criticalOption("source-address", "10.0.0.0/8"))
                .contains("address 192.0.2.7 not in the certificate's source-address 10.0.0.0/8"));
        for (String hostile : List.of("", "*", "192.0.2.*", "!10.0.0.0/8", "example.org", "192.0.2.0/33", "192.0.2.7,,")) {
            refused(cert("laptop-1").criticalOption("source-address", hostile));
        }
        assertTrue(refused(cert("laptop-1").criticalOption("force-command", "/bin/sh -c id")).startsWith("force-command:"));
        assertTrue(refused(cert("laptop-1").criticalOption("force-command", "rsendmail -t")).startsWith("force-command:"));
        assertTrue(refused(cert("laptop-1").criticalOption("verify-required", ""))
                .contains("critical option 'verify-required' is not supported"));
        assertTrue(refused(cert("laptop-1").criticalOption("x\u001b[31m", "")).contains("'x\\x1b[31m'"));
        // extensions grant nothing serve would give anyway: they are not refused
        accepted(cert("laptop-1").extensions(Map.of("permit-pty", "", "permit-port-forwarding", "")));
    }

    @Test
    void typePrincipalsCaAndLineOptions() throws Exception {
        OpenSshCertificate host = OpenSshCertificateBuilder.hostCertificate().publicKey(user.getPublic()).id("h")
                .principals(List.of("laptop-1")).sign(ca);
        assertEquals("a host certificate is not a user certificate",
                assertInstanceOf(CertificateRules.Refused.class, rules.check(host, "relay", CLIENT, NOW)).reason());
        assertEquals("certificate has no principals", refused(cert()));
        assertTrue(assertInstanceOf(CertificateRules.Refused.class, rules.check(cert("laptop-1").sign(other), "relay",
                CLIENT, NOW)).reason().contains("which no cert-authority line of authorized_keys lists"));
        authorize("cert-authority,principals=\"laptop-1\",from=\"10.0.0.0/8\" ", "");
        assertTrue(refused(cert("laptop-1")).contains("not in from=\"10.0.0.0/8\""));
        authorize("cert-authority,principals=\"laptop-1\",expiry-time=\"20200101Z\" ", "");
        assertTrue(refused(cert("laptop-1")).contains("expired at 2020-01-01T00:00:00Z"));
        // the CA's key on a plain line is no CA, and a CA line lets no bare key in
        authorize("", "");
        refused(cert("laptop-1"));
    }

    @Test
    void revokedSerialsKeysAndCas() throws Exception {
        authorize("cert-authority,principals=\"laptop-1\" ", "serial 40-42\n");
        assertEquals("certificate serial 42 is revoked", refused(cert("laptop-1")));
        accepted(cert("laptop-1").serial(43));
        authorize("cert-authority,principals=\"laptop-1\" ", PublicKeyEntry.toString(user.getPublic()) + "\n");
        assertTrue(refused(cert("laptop-1")).startsWith("certified key SHA256:"));
        authorize("cert-authority,principals=\"laptop-1\" ", "# the old CA\n" + PublicKeyEntry.toString(ca.getPublic()) + "\n");
        assertTrue(refused(cert("laptop-1")).startsWith("certificate signed by revoked CA key SHA256:"));
        authorize("cert-authority,principals=\"laptop-1\" ", "serial 1\nserial x\n");
        assertTrue(refused(cert("laptop-1").serial(2)).contains(":2: serial: expected a decimal number"), log.toString());
        assertTrue(log.stream().anyMatch(l -> l.contains("every login is refused until it is fixed")), log.toString());
    }
}
