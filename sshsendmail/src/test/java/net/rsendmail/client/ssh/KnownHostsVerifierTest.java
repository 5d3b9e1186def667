package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import net.rsendmail.client.config.RelayAddress;
import org.apache.sshd.client.config.hosts.KnownHostHashValue;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsVerifierTest {
    static PublicKey ecKey;
    static PublicKey otherEcKey;
    static PublicKey rsaKey;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        ecKey = ec.generateKeyPair().getPublic();
        otherEcKey = ec.generateKeyPair().getPublic();
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        rsaKey = rsa.generateKeyPair().getPublic();
    }

    String check(String knownHosts, String relay, PublicKey key) throws Exception {
        Path f = Files.writeString(dir.resolve("known_hosts"), knownHosts);
        return new KnownHostsVerifier(f).check(RelayAddress.parse(relay), key);
    }

    static String entry(PublicKey k) {
        return PublicKeyEntry.toString(k);
    }

    @Test
    void plainHostOnPort22() throws Exception {
        assertNull(check("relay.example.net " + entry(ecKey) + "\n", "mail@relay.example.net", ecKey));
        assertNull(check("other.example,relay.example.net,192.0.2.1 " + entry(ecKey) + "\n", "mail@relay.example.net", ecKey));
    }

    @Test
    void bracketedHostAndPort() throws Exception {
        assertNull(check("[127.0.0.1]:2222 " + entry(ecKey) + "\n", "mail@127.0.0.1:2222", ecKey));
        // an entry for port 22 does not vouch for another port
        assertTrue(check("127.0.0.1 " + entry(ecKey) + "\n", "mail@127.0.0.1:2222", ecKey).contains("is unknown"));
    }

    @Test
    void hashedEntry() throws Exception {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        byte[] hash = KnownHostHashValue.calculateHashValue("relay.example.net", 2222, KnownHostHashValue.DEFAULT_DIGEST, salt);
        String line = "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash)
                + " " + entry(ecKey) + "\n";
        assertNull(check(line, "mail@relay.example.net:2222", ecKey));
        assertTrue(check(line, "mail@relay.example.net", ecKey).contains("is unknown"));
    }

    @Test
    void wildcardPattern() throws Exception {
        assertNull(check("*.example.net " + entry(ecKey) + "\n", "mail@relay.example.net", ecKey));
    }

    @Test
    void unknownHostSaysWhatToAdd() throws Exception {
        String why = check("elsewhere.example " + entry(ecKey) + "\n", "mail@relay.example.net:2222", ecKey);
        assertTrue(why.contains("is unknown"), why);
        assertTrue(why.contains(KeyUtils.getFingerPrint(ecKey)), why);
        assertTrue(why.endsWith("[relay.example.net]:2222 " + entry(ecKey)), why);
    }

    @Test
    void changedKeyIsRefusedLoudly() throws Exception {
        String why = check("relay.example.net " + entry(otherEcKey) + "\n", "mail@relay.example.net", ecKey);
        assertTrue(why.startsWith("HOST KEY OF RELAY relay.example.net HAS CHANGED"), why);
        assertTrue(why.contains(KeyUtils.getFingerPrint(otherEcKey)), why);
        assertTrue(why.contains(KeyUtils.getFingerPrint(ecKey)), why);
    }

    @Test
    void anotherKeyTypeForTheHostIsNotAChangeButStillUnknown() throws Exception {
        String why = check("relay.example.net " + entry(rsaKey) + "\n", "mail@relay.example.net", ecKey);
        assertTrue(why.contains("is unknown"), why);
        assertNull(check("relay.example.net " + entry(rsaKey) + "\nrelay.example.net " + entry(ecKey) + "\n",
                "mail@relay.example.net", ecKey));
    }

    @Test
    void revokedKey() throws Exception {
        String why = check("@revoked * " + entry(ecKey) + "\nrelay.example.net " + entry(ecKey) + "\n",
                "mail@relay.example.net", ecKey);
        assertTrue(why.contains("@revoked"), why);
    }

    @Test
    void missingFileFailsClosed() {
        String why = new KnownHostsVerifier(dir.resolve("nope")).check(RelayAddress.parse("m@h.example"), ecKey);
        assertTrue(why.contains("does not exist"), why);
        assertTrue(why.contains("h.example " + entry(ecKey)), why);
    }

    @Test
    void commentsAndBlankLines() throws Exception {
        assertNull(check("# comment\n\nrelay.example.net " + entry(ecKey) + " comment words\n", "mail@relay.example.net", ecKey));
    }

    /** @cert-authority: a host certificate from a CA listed for the relay's name, with the name among its principals. */
    @Test
    void hostCertificatesFromATrustedCa() throws Exception {
        java.security.KeyPair ca = org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
        java.security.KeyPair other = org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
        PublicKey cert = org.apache.sshd.certificate.OpenSshCertificateBuilder.hostCertificate().publicKey(ecKey).id("relay")
                .principals(java.util.List.of("relay.example.net", "192.0.2.1")).sign(ca);
        String trust = "@cert-authority *.example.net,[192.0.2.*]:2222 " + entry(ca.getPublic()) + "\n";
        assertNull(check(trust, "mail@relay.example.net", cert));
        assertNull(check(trust, "mail@192.0.2.1:2222", cert));
        // another port, another CA, a name the certificate is not for
        assertTrue(check(trust, "mail@192.0.2.1", cert).contains("which no @cert-authority line of"));
        assertTrue(check("@cert-authority * " + entry(other.getPublic()) + "\n", "mail@relay.example.net", cert)
                .contains("is signed by CA " + org.apache.sshd.common.config.keys.KeyUtils.getFingerPrint(ca.getPublic())));
        assertTrue(check("@cert-authority * " + entry(ca.getPublic()) + "\n", "mail@mx.example.net", cert)
                .contains("is not for mx.example.net: its principals are relay.example.net,192.0.2.1"));
        // a CA or certified key marked @revoked refuses the certificate, whatever else trusts it
        assertTrue(check(trust + "@revoked * " + entry(ca.getPublic()) + "\n", "mail@relay.example.net", cert)
                .contains("is marked @revoked"));
        assertTrue(check(trust + "@revoked * " + entry(ecKey) + "\n", "mail@relay.example.net", cert)
                .contains("is marked @revoked"));
        // ssh(1): without a CA line for the relay, the certified key is checked as a plain host key
        assertNull(check("relay.example.net " + entry(ecKey) + "\n", "mail@relay.example.net", cert));
        // a CA key on a plain line vouches for no certificate, and is no host key either
        assertTrue(check("relay.example.net " + entry(ca.getPublic()) + "\n", "mail@relay.example.net", cert)
                .contains("which no @cert-authority line of"));
    }

    /** host_key_dns with a trust anchor that is not there: any SSHFP lookup would say so in the reason. */
    String checkWithDns(String knownHosts, String relay, PublicKey key) throws Exception {
        Path f = Files.writeString(dir.resolve("known_hosts"), knownHosts);
        net.rsendmail.dns.DnsSettings dns = new net.rsendmail.dns.DnsSettings(
                java.util.List.of(net.rsendmail.dns.DnsSettings.server("127.0.0.1:9")), java.time.Duration.ofSeconds(1),
                dir.resolve("no-anchor"));
        return new KnownHostsVerifier(f, dns).check(RelayAddress.parse(relay), key);
    }

    @Test
    void withHostKeyDnsKnownHostsStillDecidesWhatItKnows() throws Exception {
        String listed = "relay.example.net " + entry(ecKey) + "\n";
        assertNull(checkWithDns(listed, "mail@relay.example.net", ecKey));
        String changed = checkWithDns(listed, "mail@relay.example.net", otherEcKey);
        assertTrue(changed.startsWith("HOST KEY OF RELAY relay.example.net HAS CHANGED"), changed);
        assertTrue(!changed.contains("host_key_dns"), "no SSHFP lookup for a key known_hosts refuses: " + changed);
        String revoked = checkWithDns("@revoked relay.example.net " + entry(ecKey) + "\n", "mail@relay.example.net", ecKey);
        assertTrue(revoked.contains("is marked @revoked") && !revoked.contains("host_key_dns"), revoked);
    }

    @Test
    void withHostKeyDnsAnUnknownKeyIsLookedUpAndEveryFailureRefuses() throws Exception {
        String unknown = checkWithDns("", "mail@relay.example.net", ecKey);
        assertTrue(unknown.startsWith("host key " + KeyUtils.getFingerPrint(ecKey) + " of relay relay.example.net refused"
                + " (host_key_dns): DNSSEC trust anchor " + dir.resolve("no-anchor") + " does not exist"), unknown);
        assertTrue(unknown.contains("add this line: relay.example.net " + entry(ecKey)), unknown);
        // SSHFP records belong to names: a relay given by address is never looked up
        String byAddress = checkWithDns("", "mail@127.0.0.1:2222", ecKey);
        assertTrue(byAddress.contains("refused (host_key_dns): the relay is given as an address"), byAddress);
        assertTrue(byAddress.contains("[127.0.0.1]:2222 is unknown"), byAddress);
    }
}
