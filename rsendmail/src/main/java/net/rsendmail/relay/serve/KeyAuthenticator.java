package net.rsendmail.relay.serve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import net.rsendmail.relay.log.SessionLine;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against {@link AuthorizedKeys}: a plain key logs in with the first
 * line with its key whose {@code from=} and {@code expiry-time=} allow it now; a certificate as
 * {@link CertificateRules} decide. A key in {@code revoked_keys} never logs in. The login name is
 * not checked (it is logged), except that a certificate on a cert-authority line without
 * {@code principals=} must name it among its principals, as sshd(8) requires.
 */
final class KeyAuthenticator implements PublickeyAuthenticator {
    private final AuthorizedKeys keys;
    private final RevokedKeys revoked;
    private final CertificateRules certificates;

    KeyAuthenticator(AuthorizedKeys keys, RevokedKeys revoked, CertificateRules certificates) {
        this.keys = keys;
        this.revoked = revoked;
        this.certificates = certificates;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        SessionState state = SessionState.of(session);
        state.line.user(username);
        InetAddress client = ((InetSocketAddress) session.getClientAddress()).getAddress();
        if (key instanceof OpenSshCertificate c) {
            describe(state.line, c);
            CertificateRules.Decision d = certificates.check(c, username, client, Instant.now());
            if (d instanceof CertificateRules.Accepted a) {
                // Public key is the only method: the last accepted check is the one that logs in.
                state.login = a.login();
                state.line.policy(a.policy());
                return true;
            }
            state.authRefusal = ((CertificateRules.Refused) d).reason();
            return false;
        }
        state.line.key(KeyUtils.getFingerPrint(key));
        List<KeyLine> lines = keys.matching(key);
        if (lines.isEmpty()) {
            return false;
        }
        String first = revoked.refusal(key);
        if (first != null) {
            state.authRefusal = first;
            return false;
        }
        for (KeyLine l : lines) {
            String why = l.refusal(client, Instant.now());
            if (why == null) {
                state.login = new Login(l.fingerprint(), l.trusted());
                state.line.policy(l.forced().policy());
                return true;
            }
            first = first == null ? why : first;
        }
        state.authRefusal = first;
        return false;
    }

    /** The certificate's key, id, serial and CA, for the session's log line. */
    static void describe(SessionLine line, OpenSshCertificate c) {
        line.key(KeyUtils.getFingerPrint(c.getCertPubKey()))
                .certificate(c.getId(), c.getSerial(), KeyUtils.getFingerPrint(c.getCaPubKey()));
    }
}
