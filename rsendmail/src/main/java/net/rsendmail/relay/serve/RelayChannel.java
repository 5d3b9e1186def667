package net.rsendmail.relay.serve;

import java.io.IOException;
import java.util.Set;
import org.apache.sshd.common.channel.RequestHandler.Result;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * A session channel (RFC 4254 §6) that can only run rsendmail: {@code exec} goes on; {@code env}
 * is declined and never applied; a pty, shell, subsystem (sftp), X11 or agent forwarding request
 * ends the connection with one line to the client and one in the log, before anything runs.
 */
final class RelayChannel extends ChannelSession {
    /** Requests that change nothing here: declined, the session goes on. */
    private static final Set<String> DECLINED = Set.of("env", "signal", "break", "eow@openssh.com",
            "keepalive@openssh.com");

    /** No request handlers of MINA's own (its defaults take agent forwarding): every request comes here. */
    RelayChannel() {
        super(java.util.List.of());
    }

    @Override
    protected Result handleInternalRequest(String type, boolean wantReply, Buffer buffer) throws IOException {
        if (type.equals("exec")) {
            return super.handleInternalRequest(type, wantReply, buffer);
        }
        if (DECLINED.contains(type)) {
            return Result.ReplyFailure;
        }
        Refuse.connection(getSession(), "channel request '" + type + "'");
        return Result.ReplyFailure;
    }
}
