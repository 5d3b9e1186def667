package net.rsendmail.client.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.outcome.Outcome.Cause;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Loads the private key of {@code identity}: an OpenSSH key file (ed25519, ecdsa, rsa) without a
 * passphrase, readable by its owner only, like ssh(1) insists.
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
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(identity);
        } catch (NoSuchFileException e) {
            throw config("identity " + identity + ": no such file");
        } catch (IOException e) {
            throw config("identity " + identity + ": cannot read: " + e.getMessage());
        } catch (UnsupportedOperationException e) {
            perms = Set.of();
        }
        for (PosixFilePermission p : perms) {
            String name = p.name();
            if (name.startsWith("GROUP_") || name.startsWith("OTHERS_")) {
                throw config("identity " + identity + ": permissions " + octal(perms)
                        + " are too open, the private key must be readable by its owner only (chmod 600 "
                        + identity + ")");
            }
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

    static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return String.format("%04o", mode);
    }
}
