package net.rsendmail.relay.serve;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.rsendmail.relay.config.ServeConfig;
import net.rsendmail.relay.log.SessionLine;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.session.helpers.TimeoutIndicator;

/**
 * Counts connections and writes each one's {@link SessionLine} when it closes. Limits: all
 * connections ({@code max_sessions}), those not authenticated yet ({@code max_startups}, like
 * sshd_config MaxStartups, without its random early drop) and authenticated ones per key
 * ({@code max_sessions_per_key}); a connection over a limit is closed at once, with a log line.
 */
final class Sessions implements SessionListener {
    private final ServeConfig config;
    private final Consumer<SessionLine> log;
    private int all;
    private int unauthenticated;
    private final Map<String, Integer> perKey = new HashMap<>();
    private final IdleHeap heap;
    private final ServeMetrics metrics;

    Sessions(ServeConfig config, Consumer<SessionLine> log, IdleHeap heap, ServeMetrics metrics) {
        this.config = config;
        this.log = log;
        this.heap = heap;
        this.metrics = metrics;
    }

    @Override
    public void sessionCreated(Session session) {
        SessionState state = new SessionState(new SessionLine(address(session.getRemoteAddress())));
        session.setAttribute(SessionState.KEY, state);
        heap.opened();
        String over = null;
        synchronized (this) {
            all++;
            unauthenticated++;
            if (all > config.maxSessions()) {
                over = "max_sessions (" + config.maxSessions() + ") reached";
            } else if (unauthenticated > config.maxStartups()) {
                over = "max_startups (" + config.maxStartups() + ") unauthenticated connections reached";
            }
        }
        if (over != null) {
            state.line.outcome(true, "refused: " + over);
            session.close(true);
        }
    }

    @Override
    public void sessionEvent(Session session, Event event) {
        if (event != Event.Authenticated) {
            return;
        }
        SessionState state = SessionState.of(session);
        String key = state.login.key();
        boolean over;
        synchronized (this) {
            state.authenticated = true;
            unauthenticated--;
            int n = perKey.merge(key, 1, Integer::sum);
            over = n > config.maxSessionsPerKey();
        }
        if (over) {
            Refuse.connection(session, "max_sessions_per_key (" + config.maxSessionsPerKey() + ") reached: connection");
        }
    }

    @Override
    public void sessionClosed(Session session) {
        SessionState state = SessionState.of(session);
        if (state == null) {
            return;
        }
        heap.closed();
        int open;
        synchronized (this) {
            all--;
            open = all;
            if (state.authenticated) {
                perKey.computeIfPresent(state.login.key(), (k, n) -> n == 1 ? null : n - 1);
            } else {
                unauthenticated--;
            }
        }
        if (!state.authenticated) {
            boolean timedOut = session.getTimeoutStatus().getStatus() == TimeoutIndicator.TimeoutStatus.AuthTimeout;
            state.line.outcome(true, state.authRefusal != null ? "refused: " + state.authRefusal
                    : timedOut ? "refused: not authenticated within auth_timeout (" + config.authTimeout() + "s)"
                    : "not authenticated (public key only; no authorized key offered)");
        }
        log.accept(state.line);
        metrics.closed(state.authenticated, open);
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            String host = i.getAddress().getHostAddress();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + i.getPort();
        }
        return String.valueOf(a);
    }
}
