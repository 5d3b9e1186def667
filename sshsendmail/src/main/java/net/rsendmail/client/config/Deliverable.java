package net.rsendmail.client.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import net.rsendmail.mail.OsReason;

/**
 * Whether a configuration can ever deliver: a relay, an identity that exists and only its owner
 * can read, a known_hosts file, and with {@code host_key_dns} the DNSSEC trust anchor. A sendmail call, {@code -q} and {@code --daemon} refuse
 * (exit 78) what fails here before they queue anything, rather than accept mail that would only
 * sit in the queue. JDK only: the enqueue path loads no SSH classes.
 */
public final class Deliverable {

    /** Where a key's value came from, for the line that names it. */
    public interface Sources {
        /** {@code FILE:LINE} of the line that set {@code key}, or {@code FILE} when the default applies. */
        String of(String key);

        /** The problem of a key that is set nowhere. */
        Problem absent(String key);
    }

    /** One thing that makes delivery impossible, as {@code where: what}; {@code key} is the config key at fault. */
    public record Problem(String key, String where, String text) {
        public String line() {
            return where + ": " + text;
        }
    }

    /** The bits a private key may have: 0700 at most (ssh(1) refuses any of 077). */
    private static final Set<PosixFilePermission> OWNER_ONLY = Set.of(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

    private Deliverable() {
    }

    public static Optional<Problem> check(ClientConfig c, Sources sources) {
        if (c.relays().isEmpty()) {
            return Optional.of(sources.absent("relay"));
        }
        if (c.identity() == null) {
            return Optional.of(sources.absent("identity"));
        }
        Optional<String> key = identity(c.identity());
        if (key.isPresent()) {
            return Optional.of(new Problem("identity", sources.of("identity"), key.get()));
        }
        Optional<String> hosts = exists("known_hosts", c.knownHosts());
        if (hosts.isPresent()) {
            return Optional.of(new Problem("known_hosts", sources.of("known_hosts"), hosts.get()));
        }
        Optional<String> cert = c.certificate() == null ? Optional.empty() : exists("certificate", c.certificate());
        if (cert.isPresent()) {
            return Optional.of(new Problem("certificate", sources.of("certificate"), cert.get()));
        }
        // host_key_dns without its trust anchor could never validate an SSHFP answer
        Optional<String> anchor = c.hostKeyDns() ? exists("dns_trust_anchor", c.dns().trustAnchor()) : Optional.empty();
        return anchor.map(t -> new Problem("dns_trust_anchor", sources.of("dns_trust_anchor"), t + " (host_key_dns needs it;"
                + " Debian: apt install dns-root-data)"));
    }

    /**
     * ssh(1)'s rule for a private key (sshkey.c, sshkey_perm_ok: {@code (st_mode & 077) != 0} is
     * refused), for this check and for the key loader alike. Only what stat(2) tells is looked at:
     * a user who submits through the maildrop may not even reach the owner's key directory, and
     * permission denied is no reason to refuse that user's mail; the owner's runner loads the key
     * and says what is wrong with it.
     */
    public static Optional<String> identity(Path identity) {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(identity, PosixFileAttributes.class);
        } catch (NoSuchFileException e) {
            return Optional.of("identity " + identity + ": no such file");
        } catch (AccessDeniedException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("identity " + identity + ": " + OsReason.of(e));
        } catch (UnsupportedOperationException e) {
            return Optional.empty(); // no POSIX modes to check
        }
        if (!a.isRegularFile()) {
            return Optional.of("identity " + identity + " is not a regular file");
        }
        Set<PosixFilePermission> p = a.permissions();
        String who;
        if (p.contains(PosixFilePermission.OTHERS_READ)) {
            who = "readable by others";
        } else if (p.contains(PosixFilePermission.GROUP_READ)) {
            who = "readable by its group";
        } else if (!OWNER_ONLY.containsAll(p)) {
            who = "open to group or others (" + PosixFilePermissions.toString(p) + ")";
        } else {
            return Optional.empty();
        }
        return Optional.of("identity " + identity + " is " + who + " (chmod 600 it)");
    }

    /** Absent is a problem; permission denied is not (see {@link #identity}). */
    private static Optional<String> exists(String key, Path file) {
        try {
            Files.readAttributes(file, PosixFileAttributes.class);
            return Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.of(key + " " + file + ": no such file");
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(key + " " + file + ": " + OsReason.of(e));
        }
    }
}
