package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** host_certificate: only a host certificate of one of serve's host keys lets serve start. */
class HostKeysTest {
    @TempDir
    Path dir;

    private Path cert(String name, OpenSshCertificateBuilder b, KeyPair ca) throws Exception {
        return Files.writeString(dir.resolve(name), PublicKeyEntry.toString(b.sign(ca)) + "\n");
    }

    @Test
    void aHostCertificateMustCertifyAHostKey() throws Exception {
        List<String> log = new ArrayList<>();
        KeyPairProvider keys = HostKeys.load(List.of(dir.resolve("hk")), log::add);
        PublicKey host = keys.loadKeys(null).iterator().next().getPublic();
        KeyPair ca = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path good = cert("good", OpenSshCertificateBuilder.hostCertificate().publicKey(host).id("relay")
                .principals(List.of("relay.example.org")), ca);
        assertEquals(1, toList(HostKeys.certificates(List.of(good), keys).loadCertificates(null)).size());
        Path other = cert("other", OpenSshCertificateBuilder.hostCertificate().publicKey(ca.getPublic()).id("x")
                .principals(List.of("relay.example.org")), ca);
        assertTrue(assertThrows(GeneralSecurityException.class, () -> HostKeys.certificates(List.of(other), keys))
                .getMessage().contains("which is none of the host keys"));
        Path user = cert("user", OpenSshCertificateBuilder.userCertificate().publicKey(host).id("u")
                .principals(List.of("u")), ca);
        assertTrue(assertThrows(GeneralSecurityException.class, () -> HostKeys.certificates(List.of(user), keys))
                .getMessage().contains("not an OpenSSH host certificate"));
        Path plain = Files.writeString(dir.resolve("plain"), PublicKeyEntry.toString(host) + "\n");
        assertThrows(GeneralSecurityException.class, () -> HostKeys.certificates(List.of(plain), keys));
        Path junk = Files.writeString(dir.resolve("junk"), "ssh-ed25519-cert-v01@openssh.com AAAA\n");
        assertTrue(assertThrows(GeneralSecurityException.class, () -> HostKeys.certificates(List.of(junk), keys))
                .getMessage().startsWith("host_certificate " + junk + ": not a public key"));
        assertTrue(assertThrows(java.io.IOException.class, () -> HostKeys.certificates(List.of(dir.resolve("none")), keys))
                .getMessage().startsWith("host_certificate " + dir.resolve("none") + ": "));
    }

    private static List<Object> toList(Iterable<?> it) {
        List<Object> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }
}
