package net.rsendmail.client.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.Deliverable;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The {@code certificate} of sshsendmail.conf: an OpenSSH user certificate of the identity's key
 * (the {@code -cert.pub} file {@code ssh-keygen -s CA -I ID -n PRINCIPALS key.pub} writes), offered
 * before the bare key, as ssh_config(5) CertificateFile does.
 */
public final class UserCertificate {
    private UserCertificate() {
    }

    /**
     * For the modes that deliver: the configured certificate is a user certificate of the
     * identity's key, else where (file:line) and why. When the private key cannot be read here
     * (only the delivering user may), the match is checked when the key is loaded to connect.
     */
    public static Optional<Deliverable.Problem> check(ClientConfig c, Deliverable.Sources sources) {
        if (c.certificate() == null || c.identity() == null) {
            return Optional.empty();
        }
        try {
            OpenSshCertificate cert = read(c.certificate());
            if (Files.isReadable(c.identity())) {
                pair(c.certificate(), cert, c.identity(), KeyFiles.load(c.identity()));
            }
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(new Deliverable.Problem("certificate", sources.of("certificate"), e.getMessage()));
        } catch (SshFailure f) {
            return Optional.empty(); // the key's own problem, reported when it is loaded to connect
        }
    }

    /** Reads {@code file}; throws with the reason it is not one user certificate. */
    public static OpenSshCertificate read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException("certificate " + file + ": cannot read: " + RelayLink.reason(e));
        }
        PublicKey k;
        try {
            k = PublicKeyEntry.parsePublicKeyEntry(text).resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException("certificate " + file + ": not an OpenSSH certificate: " + RelayLink.reason(e));
        }
        if (!(k instanceof OpenSshCertificate c)) {
            throw new IllegalArgumentException("certificate " + file + ": a plain public key, not a certificate"
                    + " (make one with ssh-keygen -s CA -I ID -n PRINCIPALS KEY.pub)");
        }
        if (c.getType() != OpenSshCertificate.Type.USER) {
            throw new IllegalArgumentException("certificate " + file + ": a host certificate, not a user certificate");
        }
        return c;
    }

    /** The certificate paired with the private key it certifies, out of {@code keys}; throws if none is. */
    public static KeyPair pair(Path file, OpenSshCertificate cert, Path identity, List<KeyPair> keys) {
        for (KeyPair kp : keys) {
            if (KeyUtils.compareKeys(kp.getPublic(), cert.getCertPubKey())) {
                return new KeyPair(cert, kp.getPrivate());
            }
        }
        throw new IllegalArgumentException("certificate " + file + " certifies " + KeyUtils.getFingerPrint(cert.getCertPubKey())
                + ", not the key of identity " + identity);
    }
}
