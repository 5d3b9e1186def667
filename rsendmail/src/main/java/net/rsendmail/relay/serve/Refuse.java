package net.rsendmail.relay.serve;

import java.io.IOException;
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;

/** Ends a connection that asked for something other than rsendmail: one line to the client, one in the log. */
final class Refuse {
    private Refuse() {
    }

    static void connection(Session session, String what) {
        String why = Printable.of(what, 100) + " refused: this server runs rsendmail only";
        SessionState state = SessionState.of(session);
        if (state != null) {
            state.line.outcome(true, why);
        }
        try {
            // SSH_MSG_DISCONNECT (RFC 4253 §11.1): OpenSSH shows its description to the user.
            session.disconnect(SshConstants.SSH2_DISCONNECT_BY_APPLICATION, why);
        } catch (IOException e) {
            session.close(true);
        }
    }
}
