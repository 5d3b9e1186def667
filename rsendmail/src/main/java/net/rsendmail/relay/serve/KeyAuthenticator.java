package net.rsendmail.relay.serve;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * Public-key authentication against {@link AuthorizedKeys}: the first line with the client's key
 * whose {@code from=} and {@code expiry-time=} allow it now. The login name is not checked: the
 * key alone says who the client is and which policy applies (it is logged).
 */
final class KeyAuthenticator implements PublickeyAuthenticator {
    private final AuthorizedKeys keys;

    KeyAuthenticator(AuthorizedKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        SessionState state = SessionState.of(session);
        state.line.user(username);
        List<KeyLine> lines = keys.matching(key);
        if (lines.isEmpty()) {
            state.line.key(KeyUtils.getFingerPrint(key));
            return false;
        }
        InetAddress client = ((InetSocketAddress) session.getClientAddress()).getAddress();
        String first = null;
        for (KeyLine l : lines) {
            String why = l.refusal(client, Instant.now());
            if (why == null) {
                // Public key is the only method: the last accepted check is the one that logs in.
                state.keyLine = l;
                state.line.key(l.fingerprint()).policy(policyOf(l));
                return true;
            }
            first = first == null ? why : first;
        }
        state.line.key(lines.get(0).fingerprint());
        state.authRefusal = first;
        return false;
    }

    static String policyOf(KeyLine l) {
        int i = l.trusted().indexOf("--policy");
        return i < 0 ? null : l.trusted().get(i + 1);
    }
}
