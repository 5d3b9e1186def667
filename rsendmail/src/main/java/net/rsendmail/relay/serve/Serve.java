package net.rsendmail.relay.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.log.LogSetting;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.relay.config.ServeConfig;
import net.rsendmail.relay.config.ServeConfigReader;
import net.rsendmail.relay.log.RequestLog;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.global.KeepAliveHandler;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.global.NoMoreSessionsHandler;

/**
 * {@code rsendmail serve} (SPEC §2.7): an SSH server on Apache MINA SSHD that can only run
 * rsendmail. Public-key authentication only; a session channel's exec request runs the relay
 * in-process ({@link RelayCommand}); shell, pty, subsystems, env, agent, X11 and all forwarding
 * are refused ({@link RelayChannel}, {@link RefusedChannels}).
 */
public final class Serve {
    /** Without a connection for this long, the heap is collected and shrunk (see IdleHeap). */
    static final long IDLE_COLLECT_MILLIS = 30_000;

    private final Path configFile;
    private final ServeConfig config;
    private final LogSetting log;
    private final Server server = (Server) ServerBuilder.builder().factory(Server::new).build();

    /** SshServer binds one port for all its hosts; serve's listen lines may each name their own. */
    private static final class Server extends SshServer {
        void bindMore(List<InetSocketAddress> more) throws IOException {
            for (InetSocketAddress a : more) {
                acceptor.bind(a);
            }
        }

        List<SocketAddress> bound() {
            return new ArrayList<>(acceptor.getBoundAddresses());
        }
    }

    private Serve(Path configFile, ServeConfig config, RelayConfig relay) {
        this.configFile = configFile;
        this.config = config;
        this.log = relay.log();
    }

    /** Reads both parts of the config file; a mistake in either stops serve before it listens. */
    public static Serve configure(Path configFile) throws ConfigException {
        ServeConfig c = ServeConfigReader.load(configFile);
        RelayConfig r = RelayConfigReader.load(configFile, true);
        if (c.revokedKeys() != null) {
            RevokedKeys.check(c.revokedKeys());
        }
        RequestLog.open(r.log()); // a log that cannot be written stops serve before it listens
        return new Serve(configFile, c, r);
    }

    void log(boolean failure, String line) {
        RequestLog.write(log, failure, "serve: " + line);
    }

    /** Starts listening; returns the bound addresses. */
    public List<SocketAddress> start() throws IOException, GeneralSecurityException {
        server.setKeyPairProvider(HostKeys.load(config.hostKeys(), l -> log(false, l)));
        if (!config.hostCertificates().isEmpty()) {
            server.setHostKeyCertificateProvider(HostKeys.certificates(config.hostCertificates(),
                    server.getKeyPairProvider()));
        }
        server.setUserAuthFactories(List.of(ServeUserAuth.FACTORY));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        AuthorizedKeys keys = new AuthorizedKeys(config.authorizedKeys(), l -> log(true, l));
        RevokedKeys revoked = RevokedKeys.of(config.revokedKeys(), l -> log(true, l));
        server.setPublickeyAuthenticator(new KeyAuthenticator(keys, revoked,
                new CertificateRules(keys, revoked, config.principalPolicies())));
        List<ChannelFactory> channels = new ArrayList<>();
        channels.add(new ChannelSessionFactory() {
            @Override
            public org.apache.sshd.common.channel.Channel createChannel(org.apache.sshd.common.session.Session s) {
                return new RelayChannel();
            }
        });
        channels.addAll(RefusedChannels.factories());
        server.setChannelFactories(channels);
        server.setGlobalRequestHandlers(List.of(KeepAliveHandler.INSTANCE, NoMoreSessionsHandler.INSTANCE,
                RefusedChannels.globalRequests()));
        server.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        server.setAgentFactory(null);
        server.setShellFactory(null);
        server.setSubsystemFactories(List.of());
        server.setCommandFactory((channel, command) -> new RelayCommand(command, configFile));
        ServeMetrics metrics = new ServeMetrics(config.metricsFile(), l -> log(true, l));
        server.addSessionListener(new Sessions(config, line -> line.write(log), IdleHeap.start(IDLE_COLLECT_MILLIS),
                metrics));
        CoreModuleProperties.AUTH_TIMEOUT.set(server, Duration.ofSeconds(config.authTimeout()));
        // listen(2) backlog: the JDK's default of 50 drops SYNs of a cron-minute burst, which the
        // clients then retry after seconds; a connection over max_startups is refused by us, logged
        CoreModuleProperties.SOCKET_BACKLOG.set(server, Math.max(128, config.maxStartups()));
        // The relay's IdleWatch ends an idle exec; this ends a connection that never opens one.
        RelayConfig relay = relayConfig();
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ofSeconds(relay.idleTimeout() + relay.mtaTimeout()));
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, 1);
        CoreModuleProperties.TCP_NODELAY.set(server, true); // replies go out at once (no Nagle, RFC 896)
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, 6);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "rsendmail");
        InetSocketAddress first = config.listen().get(0);
        server.setHost(first.getAddress().getHostAddress());
        server.setPort(first.getPort());
        server.start();
        server.bindMore(config.listen().subList(1, config.listen().size()));
        List<SocketAddress> bound = server.bound();
        StringBuilder b = new StringBuilder();
        for (SocketAddress a : bound) {
            b.append(b.length() == 0 ? "" : " ").append(Sessions.address(a));
        }
        log(false, "listening on " + b);
        metrics.write(0);
        return bound;
    }

    private RelayConfig relayConfig() throws IOException {
        try {
            return RelayConfigReader.load(configFile, true);
        } catch (ConfigException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public void stop() throws IOException {
        server.stop(false);
        log(false, "stopped");
    }
}
