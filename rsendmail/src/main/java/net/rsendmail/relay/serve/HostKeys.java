package net.rsendmail.relay.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.rsendmail.mail.OsReason;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileHostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.HostKeyCertificateProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The server's host keys: OpenSSH private key files; a missing one is made once, ed25519, mode
 * 0600. A host certificate ({@code ssh-keygen -s CA -h}) is offered beside the key it certifies,
 * to clients that trust the CA through a {@code @cert-authority} line in known_hosts.
 */
final class HostKeys {
    private HostKeys() {
    }

    static KeyPairProvider load(List<Path> files, Consumer<String> log) throws IOException, GeneralSecurityException {
        for (Path f : files) {
            if (!Files.exists(f)) {
                generate(f);
                log.accept("host key " + f + " generated (ed25519)");
            }
        }
        return new FileKeyPairProvider(files);
    }

    /** The host certificates; each must be a host certificate of one of {@code keys}, else serve does not start. */
    static HostKeyCertificateProvider certificates(List<Path> files, KeyPairProvider keys)
            throws IOException, GeneralSecurityException {
        List<PublicKey> hostKeys = new ArrayList<>();
        for (KeyPair kp : keys.loadKeys(null)) {
            hostKeys.add(kp.getPublic());
        }
        for (Path f : files) {
            PublicKey k;
            try {
                k = KeyLine.publicKey(Files.readString(f).strip());
            } catch (IllegalArgumentException e) {
                throw new GeneralSecurityException("host_certificate " + f + ": " + e.getMessage());
            } catch (IOException e) {
                throw new IOException("host_certificate " + f + ": " + OsReason.of(e), e);
            }
            if (!(k instanceof OpenSshCertificate c) || c.getType() != OpenSshCertificate.Type.HOST) {
                throw new GeneralSecurityException("host_certificate " + f + ": not an OpenSSH host certificate"
                        + " (ssh-keygen -s CA -h)");
            }
            if (hostKeys.stream().noneMatch(h -> KeyUtils.compareKeys(h, c.getCertPubKey()))) {
                throw new GeneralSecurityException("host_certificate " + f + ": certifies "
                        + KeyUtils.getFingerPrint(c.getCertPubKey()) + ", which is none of the host keys");
            }
        }
        return new FileHostKeyCertificateProvider(files);
    }

    private static void generate(Path file) throws IOException, GeneralSecurityException {
        KeyPair kp = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".host_key", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(kp, "rsendmail-serve", null, o);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (OutputStream o = Files.newOutputStream(Path.of(file + ".pub"))) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(kp.getPublic(), "rsendmail-serve", o);
        }
    }
}
