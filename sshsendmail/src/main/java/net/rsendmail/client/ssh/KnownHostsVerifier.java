package net.rsendmail.client.ssh;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collections;
import java.util.List;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.dns.DnsSettings;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.slf4j.Logger;

/**
 * Strict host-key checking against an OpenSSH known_hosts file, read afresh for every connection.
 * Plain, wildcard, {@code [host]:port} and hashed ({@code |1|salt|hash}) host names work;
 * {@code @revoked} keys are refused. A host certificate is accepted when a {@code @cert-authority}
 * line whose host patterns match the relay lists its CA key and the relay's name is among its
 * principals (MINA has checked its type, validity and signature); otherwise, as ssh(1) does, the
 * key it certifies is checked as a plain host key.
 * A key that is not there, or differs from the one there, is refused: the mail stays queued and
 * the reason, with the fingerprint and the line to add, is kept on the session for the caller.
 * With {@code host_key_dns yes}, a key known_hosts does not know may still be accepted by a
 * DNSSEC-signed SSHFP record ({@link HostKeyDns}); one it knows otherwise (changed, revoked) never is.
 */
public final class KnownHostsVerifier implements ServerKeyVerifier {
    /** Which relay a session was opened for (set through the connect context). */
    public static final AttributeKey<RelayAddress> RELAY = new AttributeKey<>();
    /** Set on a session whose host key was accepted: which rule accepted it, for the doctor. */
    public static final AttributeKey<String> TRUSTED = new AttributeKey<>();
    /** Why the host key was refused, if it was. */
    public static final AttributeKey<String> FAILURE = new AttributeKey<>();

    private static final Logger LOG = ClientLog.get("relay");

    private final Path file;
    private final HostKeyDns dns;

    public KnownHostsVerifier(Path file) {
        this(file, null);
    }

    /** {@code dns}: host_key_dns yes (SSHFP records vouch for keys known_hosts does not know), or null. */
    public KnownHostsVerifier(Path file, DnsSettings dns) {
        this.file = file;
        this.dns = dns == null ? null : new HostKeyDns(dns);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        RelayAddress relay = session.getConnectionContext() == null ? null
                : session.getConnectionContext().getAttribute(RELAY);
        if (relay == null) {
            session.setAttribute(FAILURE, "internal error: session without relay address");
            return false;
        }
        HostKeyVerdict v = verdict(relay, serverKey);
        if (v instanceof HostKeyVerdict.Trusted t) {
            session.setAttribute(TRUSTED, t.text());
            if (dns != null) {
                LOG.info("{}", t.text()); // with two rules in play, say which one accepted the key
            }
            return true;
        }
        session.setAttribute(FAILURE, v.text());
        return false;
    }

    /** Null if {@code key} is the known key of {@code relay}, else the reason, fit for one log line. */
    public String check(RelayAddress relay, PublicKey offered) {
        HostKeyVerdict v = verdict(relay, offered);
        return v instanceof HostKeyVerdict.Trusted ? null : v.text();
    }

    /**
     * known_hosts first: what it knows, it decides (a changed key stays refused); SSHFP records only
     * for a key it does not know.
     */
    HostKeyVerdict verdict(RelayAddress relay, PublicKey offered) {
        HostKeyVerdict v = knownHosts(relay, offered);
        if (v instanceof HostKeyVerdict.Unknown u && dns != null) {
            PublicKey key = offered instanceof OpenSshCertificate c ? c.getCertPubKey() : offered;
            return dns.check(relay, key, u.text()); // ssh(1) too checks a certificate's plain key against SSHFP
        }
        return v;
    }

    private HostKeyVerdict knownHosts(RelayAddress relay, PublicKey offered) {
        PublicKey key = offered instanceof OpenSshCertificate c ? c.getCertPubKey() : offered;
        String fp = KeyUtils.getFingerPrint(key);
        String type = KeyUtils.getKeyType(key);
        String line = relay.knownHostsName() + " " + PublicKeyEntry.toString(key);
        List<KnownHostEntry> entries;
        try {
            entries = KnownHostEntry.readKnownHostEntries(file);
        } catch (NoSuchFileException e) {
            return new HostKeyVerdict.Unknown("host key of relay " + relay.knownHostsName() + " cannot be checked:"
                    + " known_hosts file " + file + " does not exist; if " + fp + " is the relay's " + type
                    + " key, add this line to it: " + line);
        } catch (IOException | RuntimeException e) {
            return new HostKeyVerdict.Refused("host key of relay " + relay.knownHostsName() + " cannot be checked:"
                    + " cannot read known_hosts file " + file + ": " + e.getMessage());
        }
        if (entries == null) {
            entries = Collections.emptyList();
        }
        if (offered instanceof OpenSshCertificate cert) {
            return certificate(relay, cert, entries);
        }
        return plain(relay, key, entries);
    }

    private HostKeyVerdict certificate(RelayAddress relay, OpenSshCertificate cert, List<KnownHostEntry> entries) {
        String ca = KeyUtils.getFingerPrint(cert.getCaPubKey());
        boolean listed = false;
        for (KnownHostEntry e : entries) {
            PublicKey known = e.isHostMatch(relay.host(), relay.port()) ? key(e) : null;
            if (known == null) {
                continue;
            }
            if ("revoked".equals(e.getMarker()) && (KeyUtils.compareKeys(known, cert.getCaPubKey())
                    || KeyUtils.compareKeys(known, cert.getCertPubKey()))) {
                return new HostKeyVerdict.Refused("host certificate of relay " + relay.knownHostsName() + " (CA " + ca
                        + ") is marked @revoked in " + file);
            }
            listed |= "cert-authority".equals(e.getMarker()) && KeyUtils.compareKeys(known, cert.getCaPubKey());
        }
        if (!listed) {
            // ssh(1): a certificate from a CA not trusted for the host is checked as the plain key it certifies
            HostKeyVerdict plain = plain(relay, cert.getCertPubKey(), entries);
            String why = "host certificate of relay " + relay.knownHostsName() + " is signed by CA " + ca
                    + ", which no @cert-authority line of " + file + " trusts for it; ";
            if (plain instanceof HostKeyVerdict.Trusted) {
                return plain;
            }
            return plain instanceof HostKeyVerdict.Unknown ? new HostKeyVerdict.Unknown(why + plain.text())
                    : new HostKeyVerdict.Refused(why + plain.text());
        }
        for (String p : cert.getPrincipals()) {
            if (p.equalsIgnoreCase(relay.host())) {
                return new HostKeyVerdict.Trusted("host certificate of relay " + relay.knownHostsName() + " accepted:"
                        + " signed by CA " + ca + ", trusted by a @cert-authority line of " + file);
            }
        }
        return new HostKeyVerdict.Refused("host certificate of relay " + relay.knownHostsName() + " (CA " + ca
                + ") is not for " + relay.host() + ": its principals are " + String.join(",", cert.getPrincipals()));
    }

    private static PublicKey key(KnownHostEntry e) {
        try {
            AuthorizedKeyEntry k = e.getKeyEntry();
            return k == null ? null : k.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.IGNORING);
        } catch (IOException | java.security.GeneralSecurityException | RuntimeException x) {
            return null;
        }
    }

    private HostKeyVerdict plain(RelayAddress relay, PublicKey key, List<KnownHostEntry> entries) {
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
                    return new HostKeyVerdict.Refused("host key " + fp + " of relay " + relay.knownHostsName()
                            + " is marked @revoked in " + file);
                }
                continue;
            }
            if (marker != null) {
                continue; // @cert-authority vouches for certificates only (see certificate())
            }
            if (same) {
                return new HostKeyVerdict.Trusted("host key " + fp + " of relay " + relay.knownHostsName()
                        + " accepted: listed in " + file);
            }
            if (mismatch == null && KeyUtils.getKeyType(known).equals(type)) {
                mismatch = KeyUtils.getFingerPrint(known);
            }
        }
        if (mismatch != null) {
            return new HostKeyVerdict.Refused("HOST KEY OF RELAY " + relay.knownHostsName() + " HAS CHANGED: " + file
                    + " has " + type + " key " + mismatch + ", the relay offers " + fp + " (possible man-in-the-middle"
                    + " attack); if the change is expected, replace the relay's line in " + file + " with: " + line);
        }
        return new HostKeyVerdict.Unknown("host key of relay " + relay.knownHostsName() + " is unknown: " + file
                + " has no " + type + " key for it; if " + fp + " is the relay's key (check with ssh-keygen -lf on the"
                + " relay), add this line: " + line);
    }
}
