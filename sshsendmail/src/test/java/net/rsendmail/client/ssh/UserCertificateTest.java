package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.config.LoadedConfig;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certificate PATH}: checked by the delivering modes, presented with the identity's private key. */
class UserCertificateTest {
    @TempDir
    Path dir;
    private KeyPair ca;
    private KeyPair key;
    private Path identity;

    @BeforeEach
    void keys() throws Exception {
        ca = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        identity = dir.resolve("id_ed25519");
        try (OutputStream o = Files.newOutputStream(identity)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "k", null, o);
        }
        Files.setPosixFilePermissions(identity, PosixFilePermissions.fromString("rw-------"));
    }

    private Path write(String name, OpenSshCertificate cert) throws Exception {
        return Files.writeString(dir.resolve(name), PublicKeyEntry.toString(cert) + " comment\n");
    }

    private OpenSshCertificateBuilder user(KeyPair of) {
        return OpenSshCertificateBuilder.userCertificate().publicKey(of.getPublic()).id("laptop-1").principals(List.of("laptop-1"));
    }

    private ClientConfig read(String text) throws ConfigException {
        Path f = dir.resolve("sshsendmail.conf");
        return ClientConfigReader.parse(f, ConfigFile.parse(f, text));
    }

    private String error(String text) {
        return assertThrows(ConfigException.class, () -> read(text)).getMessage();
    }

    /** What a delivering mode says of the config (sendmail calls do not read certificates). */
    private String problem(String text) throws Exception {
        Path f = Files.writeString(dir.resolve("sshsendmail.conf"), text);
        LoadedConfig l = ClientConfigReader.read(f, true);
        return UserCertificate.check(l.config(), l).orElseThrow().line();
    }

    @Test
    void theCertificateIsOfferedFirstWithTheIdentitysPrivateKey() throws Exception {
        Path cert = write("id_ed25519-cert.pub", user(key).sign(ca));
        ClientConfig c = read("identity " + identity + "\ncertificate " + cert + "\n");
        assertEquals(cert, c.certificate());
        List<KeyPair> pairs = KeyFiles.load(c.identity(), c.certificate());
        assertEquals(2, pairs.size());
        OpenSshCertificate offered = (OpenSshCertificate) pairs.get(0).getPublic();
        assertEquals("laptop-1", offered.getId());
        assertTrue(KeyUtils.compareKeys(key.getPrivate(), pairs.get(0).getPrivate()));
        assertTrue(KeyUtils.compareKeys(key.getPublic(), pairs.get(1).getPublic()));
        assertEquals(1, KeyFiles.load(c.identity(), null).size());
    }

    @Test
    void badCertificatesNameFileAndLine() throws Exception {
        Path good = write("good.pub", user(key).sign(ca));
        Path conf = Files.writeString(dir.resolve("sshsendmail.conf"), "identity " + identity + "\ncertificate " + good + "\n");
        LoadedConfig fits = ClientConfigReader.read(conf, true);
        assertEquals(java.util.Optional.empty(), UserCertificate.check(fits.config(), fits));
        Path f = dir.resolve("sshsendmail.conf");
        Path cert = write("c.pub", user(key).sign(ca));
        assertTrue(error("certificate " + cert + "\n").startsWith(f + ":1: certificate: needs 'identity'"));
        assertTrue(problem("identity " + identity + "\ncertificate " + dir.resolve("none") + "\n")
                .startsWith(f + ":2: certificate " + dir.resolve("none") + ": cannot read"));
        Path plain = Files.writeString(dir.resolve("plain.pub"), PublicKeyEntry.toString(key.getPublic()) + "\n");
        assertTrue(problem("identity " + identity + "\ncertificate " + plain + "\n").contains("a plain public key, not a certificate"));
        Path junk = Files.writeString(dir.resolve("junk.pub"), "ssh-ed25519-cert-v01@openssh.com AAAA!!\n");
        assertTrue(problem("identity " + identity + "\ncertificate " + junk + "\n").contains("not an OpenSSH certificate"));
        Path host = write("host.pub", OpenSshCertificateBuilder.hostCertificate().publicKey(key.getPublic()).id("h")
                .principals(List.of("relay")).sign(ca));
        assertTrue(problem("identity " + identity + "\ncertificate " + host + "\n").contains("a host certificate, not a user"));
        Path otherKey = write("other.pub", user(ca).sign(ca));
        assertTrue(problem("identity " + identity + "\ncertificate " + otherKey + "\n")
                .contains(":2: certificate " + otherKey + " certifies " + KeyUtils.getFingerPrint(ca.getPublic())
                        + ", not the key of identity " + identity));
        assertTrue(error("identity " + identity + "\ncertificate relative.pub\n").contains("expected an absolute path"));
    }

    /** A user who may not read the private key has the match checked when the key is loaded to connect. */
    @Test
    void anUnreadableIdentityIsCheckedAtConnectTime() throws Exception {
        Path cert = write("other.pub", user(ca).sign(ca));
        Path missing = dir.resolve("not-here");
        ClientConfig c = read("identity " + missing + "\ncertificate " + cert + "\n");
        assertTrue(assertThrows(SshFailure.class, () -> KeyFiles.load(c.identity(), c.certificate())).outcome().text()
                .contains("no such file"));
        ClientConfig d = read("identity " + identity + "\n").withIdentity(identity);
        assertEquals(null, d.certificate());
        SshFailure f = assertThrows(SshFailure.class, () -> KeyFiles.load(identity, cert));
        assertTrue(f.outcome().text().contains("not the key of identity"), f.outcome().text());
    }
}
