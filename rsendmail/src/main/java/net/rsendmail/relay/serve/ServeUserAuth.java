package net.rsendmail.relay.serve;

import java.security.PublicKey;
import java.time.Instant;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKey;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.session.ServerSession;

/**
 * MINA's public-key method (RFC 4252 §7) with serve's certificate rules. MINA checks a
 * certificate's type, validity and CA signature before it asks the authenticator, and refuses
 * every certificate with {@code force-command}, which serve honours: so the critical options are
 * left to {@link CertificateRules}, and a certificate MINA would refuse for its type or validity
 * is refused here first, so that the session's log line says why.
 */
final class ServeUserAuth extends UserAuthPublicKey {
    static final UserAuthPublicKeyFactory FACTORY = new UserAuthPublicKeyFactory() {
        @Override
        public UserAuthPublicKey createUserAuth(ServerSession session) {
            return new ServeUserAuth();
        }
    };

    @Override
    public Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        if (offered(buffer) instanceof OpenSshCertificate c) {
            String why = CertificateRules.shape(c, Instant.now());
            if (why != null) {
                refuse(c, why);
                return Boolean.FALSE;
            }
        }
        return super.doAuth(buffer, init);
    }

    @Override
    protected void verifyCriticalOptions(ServerSession session, OpenSshCertificate cert) {
        // CertificateRules: source-address enforced, force-command read, any other refused.
    }

    @Override
    protected void verifyCertificateSignature(ServerSession session, OpenSshCertificate cert) throws Exception {
        try {
            super.verifyCertificateSignature(session, cert);
        } catch (Exception e) {
            refuse(cert, "certificate signature does not verify with its CA key");
            throw e;
        }
    }

    private void refuse(OpenSshCertificate c, String why) {
        SessionState state = SessionState.of(getServerSession());
        KeyAuthenticator.describe(state.line.user(getUsername()), c);
        state.authRefusal = why;
    }

    /** The key of the request (boolean, algorithm, key blob), the buffer left as it was; null if unreadable. */
    private static PublicKey offered(Buffer buffer) {
        int pos = buffer.rpos();
        try {
            buffer.getBoolean();
            buffer.getString();
            return buffer.getPublicKey();
        } catch (Exception e) {
            return null; // super.doAuth refuses the malformed request
        } finally {
            buffer.rpos(pos);
        }
    }
}
