package net.rsendmail.client.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import net.rsendmail.client.config.RelayAddress;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Strict host-key checking against an OpenSSH known_hosts file, read afresh for every connection.
 * Plain, wildcard, {@code [host]:port} and hashed ({@code |1|salt|hash}) host names work;
 * {@code @revoked} keys are refused. A host certificate is accepted when a {@code @cert-authority}
 * line whose host patterns match the relay lists its CA key and the relay's name is among its
 * principals (MINA has checked its type, validity and signature); otherwise, as ssh(1) does, the
 * key it certifies is checked as a plain host key.
 * A key that is not there, or differs from the one there, is refused: the mail stays queued and
 * the reason, with the fingerprint and the line to add, is kept on the session for the caller.
 */
public final class KnownHostsVerifier implements ServerKeyVerifier {
    /** Which relay a session was opened for (set through the connect context). */
    public static final AttributeKey<RelayAddress> RELAY = new AttributeKey<>();
    /** Why the host key was refused, if it was. */
    public static final AttributeKey<String> FAILURE = new AttributeKey<>();

    private final Path file;

    public KnownHostsVerifier(Path file) {
        this.file = file;
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        RelayAddress relay = session.getConnectionContext() == null ? null
                : session.getConnectionContext().getAttribute(RELAY);
        if (relay == null) {
            session.setAttribute(FAILURE, "internal error: session without relay address");
            return false;
        }
        String problem = check(relay, serverKey);
        if (problem != null) {
            session.setAttribute(FAILURE, problem);
            return false;
        }
        return true;
    }

    /** Null if {@code key} is the known key of {@code relay}, else the reason, fit for one log line. */
    public String check(RelayAddress relay, PublicKey offered) {
        PublicKey key = offered instanceof OpenSshCertificate c ? c.getCertPubKey() : offered;
        String fp = KeyUtils.getFingerPrint(key);
        String type = KeyUtils.getKeyType(key);
        String line = relay.knownHostsName() + " " + PublicKeyEntry.toString(key);
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(file);
        } catch (NoSuchFileException e) {
            return "host key of relay " + relay.knownHostsName() + " cannot be checked: known_hosts file " + file
                    + " does not exist; if " + fp + " is the relay's " + type + " key, add this line to it: " + line;
        } catch (IOException | RuntimeException e) {
            return "host key of relay " + relay.knownHostsName() + " cannot be checked: cannot read known_hosts file "
                    + file + ": " + e.getMessage();
        }
        if (entries == null) {
            entries = Collections.emptyList();
        }
        if (offered instanceof OpenSshCertificate cert) {
            return certificate(relay, cert, entries);
        }
        return plain(relay, key, entries);
    }

    /** Null if {@code cert} is trusted for {@code relay}, else the reason. */
    private String certificate(RelayAddress relay, OpenSshCertificate cert, List<KnownHostEntry> entries) {
        String ca = KeyUtils.getFingerPrint(cert.getCaPubKey());
        boolean listed = false;
        for (KnownHostEntry e : entries) {
            PublicKey known = e.isHostMatch(relay.host(), relay.port()) ? key(e) : null;
            if (known == null) {
                continue;
            }
            if ("revoked".equals(e.getMarker()) && (KeyUtils.compareKeys(known, cert.getCaPubKey())
                    || KeyUtils.compareKeys(known, cert.getCertPubKey()))) {
                return "host certificate of relay " + relay.knownHostsName() + " (CA " + ca + ") is marked @revoked in "
                        + file;
            }
            listed |= "cert-authority".equals(e.getMarker()) && KeyUtils.compareKeys(known, cert.getCaPubKey());
        }
        if (!listed) {
            // ssh(1): a certificate from a CA not trusted for the host is checked as the plain key it certifies
            String plain = plain(relay, cert.getCertPubKey(), entries);
            return plain == null ? null : "host certificate of relay " + relay.knownHostsName() + " is signed by CA "
                    + ca + ", which no @cert-authority line of " + file + " trusts for it; " + plain;
        }
        for (String p : cert.getPrincipals()) {
            if (p.equalsIgnoreCase(relay.host())) {
                return null;
            }
        }
        return "host certificate of relay " + relay.knownHostsName() + " (CA " + ca + ") is not for "
                + relay.host() + ": its principals are " + String.join(",", cert.getPrincipals());
    }

    private static PublicKey key(KnownHostEntry e) {
        try {
            AuthorizedKeyEntry k = e.getKeyEntry();
            return k == null ? null : k.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException x) {
            return null;
        }
    }

    private String plain(RelayAddress relay, PublicKey key, List<KnownHostEntry> entries) {
        String fp = KeyUtils.getFingerPrint(key);
        String type = KeyUtils.getKeyType(key);
        String line = relay.knownHostsName() + " " + PublicKeyEntry.toString(key);
        String mismatch = null;
        for (KnownHostEntry e : entries) {
            if (!e.isHostMatch(relay.host(), relay.port())) {
                continue;
            }
            PublicKey known = key(e);
            if (known == null) {
                continue;
            }
            String marker = e.getMarker();
            boolean same = KeyUtils.compareKeys(known, key);
            if ("revoked".equals(marker)) {
                if (same) {
                    return "host key " + fp + " of relay " + relay.knownHostsName() + " is marked @revoked in " + file;
                }
                continue;
            }
            if (marker != null) {
                continue; // @cert-authority vouches for certificates only (see certificate())
            }
            if (same) {
                return null;
            }
            if (mismatch == null && KeyUtils.getKeyType(known).equals(type)) {
                mismatch = KeyUtils.getFingerPrint(known);
            }
        }
        if (mismatch != null) {
            return "HOST KEY OF RELAY " + relay.knownHostsName() + " HAS CHANGED: " + file + " has " + type + " key "
                    + mismatch + ", the relay offers " + fp + " (possible man-in-the-middle attack); if the change is "
                    + "expected, replace the relay's line in " + file + " with: " + line;
        }
        return "host key of relay " + relay.knownHostsName() + " is unknown: " + file + " has no " + type
                + " key for it; if " + fp + " is the relay's key (check with ssh-keygen -lf on the relay), add this line: "
                + line;
    }
}
