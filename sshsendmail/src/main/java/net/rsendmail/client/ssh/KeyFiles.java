package net.rsendmail.client.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.outcome.Outcome.Cause;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Loads the private key of {@code identity}: an OpenSSH key file (ed25519, ecdsa, rsa) without a
 * passphrase, readable by its owner only ({@link Deliverable#identity}, ssh(1)'s rule).
 */
public final class KeyFiles {
    private KeyFiles() {
    }

    /** The identity's keys, its certificate's pair first when {@code certificate} is set. */
    public static List<KeyPair> load(Path identity, Path certificate) throws SshFailure {
        List<KeyPair> keys = load(identity);
        if (certificate == null) {
            return keys;
        }
        try {
            List<KeyPair> out = new ArrayList<>();
            out.add(UserCertificate.pair(certificate, UserCertificate.read(certificate), identity, keys));
            out.addAll(keys);
            return out;
        } catch (IllegalArgumentException e) {
            throw config(e.getMessage());
        }
    }

    public static List<KeyPair> load(Path identity) throws SshFailure {
        if (identity == null) {
            throw config("no identity configured (key 'identity /path/to/private-key')");
        }
        Optional<String> unusable = Deliverable.identity(identity);
        if (unusable.isPresent()) {
            throw config(unusable.get());
        }
        try (InputStream in = Files.newInputStream(identity)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(identity.toString()),
                    in, FilePasswordProvider.EMPTY);
            List<KeyPair> out = new ArrayList<>();
            if (pairs != null) {
                pairs.forEach(out::add);
            }
            if (out.isEmpty()) {
                throw config("identity " + identity + ": no private key found in the file");
            }
            return out;
        } catch (AccessDeniedException e) {
            throw config("identity " + identity + ": permission denied (only the delivering user may read it)");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.toLowerCase().contains("password") || msg.toLowerCase().contains("passphrase")
                    || msg.toLowerCase().contains("encrypt")) {
                throw config("identity " + identity + ": the key is protected by a passphrase; sshsendmail needs "
                        + "a key without one (ssh-keygen -p -N '' -f " + identity + ")");
            }
            throw config("identity " + identity + ": not a usable OpenSSH private key: " + e.getMessage());
        }
    }

    private static SshFailure config(String text) {
        return new SshFailure(Outcome.temporary(Cause.CONFIG, "4.3.5", text));
    }
}
