package net.rsendmail.relay.serve;

import net.rsendmail.relay.log.SessionLine;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/** What serve knows about one connection: its log line and what its login decided. */
final class SessionState {
    static final AttributeKey<SessionState> KEY = new AttributeKey<>();

    final SessionLine line;
    volatile Login login;
    volatile boolean authenticated;
    volatile String authRefusal;
    volatile boolean execStarted;

    SessionState(SessionLine line) {
        this.line = line;
    }

    static SessionState of(Session s) {
        return s.getAttribute(KEY);
    }
}
