package net.rsendmail.relay.serve;

import java.util.List;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.channel.RequestHandler;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.ConnectionServiceRequestHandler;
import org.apache.sshd.common.session.Session;

/**
 * Every kind of forwarding (RFC 4254 §7, OpenSSH PROTOCOL: streamlocal, agent, X11): a channel
 * open or global request for one ends the connection with a line, instead of MINA's silent
 * refusal, so an attempt is always in the log.
 */
final class RefusedChannels {
    static final List<String> CHANNELS = List.of("direct-tcpip", "forwarded-tcpip", "x11",
            "direct-streamlocal@openssh.com", "forwarded-streamlocal@openssh.com", "auth-agent@openssh.com", "tun@openssh.com");
    static final List<String> GLOBAL = List.of("tcpip-forward", "cancel-tcpip-forward",
            "streamlocal-forward@openssh.com", "cancel-streamlocal-forward@openssh.com");

    private RefusedChannels() {
    }

    static List<ChannelFactory> factories() {
        return CHANNELS.stream().map(RefusedChannels::factory).toList();
    }

    private static ChannelFactory factory(String type) {
        return new ChannelFactory() {
            @Override
            public String getName() {
                return type;
            }

            @Override
            public Channel createChannel(Session session) {
                Refuse.connection(session, "channel '" + type + "'");
                return null;
            }
        };
    }

    /** Global requests for forwarding; others (keepalive@openssh.com, …) go to MINA's handlers. */
    static RequestHandler<ConnectionService> globalRequests() {
        return (ConnectionServiceRequestHandler) (service, request, wantReply, buffer) -> {
            if (!GLOBAL.contains(request)) {
                return RequestHandler.Result.Unsupported;
            }
            Refuse.connection(service.getSession(), "global request '" + request + "'");
            return RequestHandler.Result.ReplyFailure;
        };
    }

}
