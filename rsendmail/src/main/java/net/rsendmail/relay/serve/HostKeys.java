package net.rsendmail.relay.serve;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.function.Consumer;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/** The server's host keys: OpenSSH private key files; a missing one is made once, ed25519, mode 0600. */
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
