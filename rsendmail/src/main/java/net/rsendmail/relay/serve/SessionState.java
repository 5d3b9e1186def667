package net.rsendmail.relay.serve;

import net.rsendmail.relay.log.SessionLine;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.session.Session;

/** What serve knows about one connection: its log line and the authorized_keys line it logged in with. */
final class SessionState {
    static final AttributeKey<SessionState> KEY = new AttributeKey<>();

    final SessionLine line;
    volatile KeyLine keyLine;
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
