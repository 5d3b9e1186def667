package net.rsendmail.client.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.outcome.Outcome.Cause;
import net.rsendmail.ssh.CertificateWindow;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * Delivers messages to the configured relays over SSH (Apache MINA SSHD): one session kept open
 * while there is work, relays tried in order when one cannot be reached or refuses us (the one
 * whose answer was lost first: {@link RelayOrder}), one exec channel per message. Not thread-safe.
 */
public final class SshSender implements AutoCloseable {

    /** Re-readable message content, so that a message can go to the next relay. */
    public interface Content {
        InputStream open() throws IOException;
    }

    private final ClientConfig config;
    private final List<RelayAddress> relays;
    private final RelayOrder order;
    private SshClient client;
    private List<KeyPair> keys;
    private volatile RelayLink link;
    private volatile boolean aborted;
    private long lastUse;
    private String hostKeyRule = "";

    public SshSender(ClientConfig config) {
        this.config = config;
        this.relays = config.relays();
        this.order = new RelayOrder(relays);
    }

    /** Sends one message; the outcome is the last relay's when every relay failed. Never throws. */
    public Outcome send(String sender, List<String> recipients, Content content) {
        Outcome last = null;
        for (int round = 0; round < 2; round++) {
            try {
                if (link == null || !link.isOpen()) {
                    closeLink();
                    link = connect();
                }
            } catch (SshFailure f) {
                return f.outcome();
            }
            RelayLink.Attempt a;
            try (InputStream in = content.open()) {
                a = link.send(sender, recipients, in);
            } catch (IOException e) {
                return Outcome.temporary(Cause.LOCAL_IO, "4.3.0", "cannot read the message: " + RelayLink.reason(e));
            }
            lastUse = System.nanoTime();
            last = a.outcome();
            if (a.channelOpened() || round == 1) {
                if (last.cause() == Cause.CHANNEL_LOST || last.cause() == Cause.TIMEOUT) {
                    if (a.channelOpened()) {
                        answerLost(link.relay());
                    }
                    closeLink();
                }
                return last;
            }
            // no channel on a kept session (the relay closed it meanwhile): once more on a fresh one
            closeLink();
        }
        return last;
    }

    /** {@link #openBatch}: the batch, or plain mode for this relay, or the failure to reach it. */
    public record BatchStart(LmtpBatch batch, boolean plain, Outcome failure, String detail) {
    }

    /**
     * Connects if needed and opens one {@code rsendmail --lmtp} channel. With {@code probe}
     * (batch auto) a relay remembered as plain is not asked, and one that does not greet is
     * remembered as plain; without it (batch yes) such a relay is a temporary failure. Never throws.
     */
    public BatchStart openBatch(RelayModes modes, boolean probe, String clientName) {
        for (int round = 0; round < 2; round++) {
            try {
                if (link == null || !link.isOpen()) {
                    closeLink();
                    link = connect();
                }
            } catch (SshFailure f) {
                return new BatchStart(null, false, f.outcome(), "");
            }
            String key = link.relay().toString();
            if (probe && modes.get(key) == RelayModes.Mode.PLAIN) {
                return new BatchStart(null, true, null, "");
            }
            RelayLink.Probe p = link.openLmtp(clientName);
            lastUse = System.nanoTime();
            switch (p.result()) {
                case OK:
                    modes.remember(key, RelayModes.Mode.LMTP);
                    return new BatchStart(p.batch(), false, null, "");
                case NO_LMTP:
                    if (probe) {
                        modes.remember(key, RelayModes.Mode.PLAIN);
                        return new BatchStart(null, true, null, p.detail());
                    }
                    return new BatchStart(null, false, Outcome.temporary(Cause.CONFIG, "4.3.5", p.detail()
                            + "; 'batch yes' is set"), p.detail());
                case NO_CHANNEL:
                    closeLink(); // a kept session the relay closed meanwhile: once more on a fresh one
                    if (round == 1) {
                        return new BatchStart(null, false, Outcome.temporary(Cause.CHANNEL_LOST, "4.4.2", p.detail()),
                                p.detail());
                    }
                    break;
                default:
                    closeLink();
                    return new BatchStart(null, false, Outcome.temporary(Cause.CHANNEL_LOST, "4.4.2", p.detail()),
                            p.detail());
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /**
     * The answer to a transaction on {@code relay} was lost (channel cut, timeout): later
     * connections try it first while it is reachable ({@link RelayOrder}).
     */
    public void answerLost(RelayAddress relay) {
        order.answerLost(relay);
    }

    /** Notes activity on a batch, for idle timeouts. */
    public void touch() {
        lastUse = System.nanoTime();
    }

    /** Nanosecond time of the last message sent, for idle timeouts. */
    public long lastUse() {
        return lastUse;
    }

    /** True while the SSH client is started (from the first send until {@link #close}). */
    public boolean isActive() {
        return client != null;
    }

    /** How the host key of the last relay connected to was accepted (one log line's text), or "". */
    public String hostKeyRule() {
        return hostKeyRule;
    }

    public boolean isConnected() {
        return link != null && link.isOpen();
    }

    /** Connects to the first relay that works. */
    private RelayLink connect() throws SshFailure {
        if (aborted) {
            throw new SshFailure(Outcome.temporary(Cause.CHANNEL_LOST, "4.4.2", "stopping: no new connection"));
        }
        if (relays.isEmpty()) {
            throw new SshFailure(Outcome.temporary(Cause.CONFIG, "4.3.5", "no relay configured (key 'relay USER@HOST[:PORT]'"
                    + (config.file() != null ? " in " + config.file() : "") + ")"));
        }
        // read for every connection: a renewed certificate is presented without a restart
        keys = KeyFiles.load(config.identity(), config.certificate());
        SshFailure first = null;
        for (RelayAddress relay : order.relays()) {
            try {
                return connect(relay);
            } catch (SshFailure f) {
                if (first == null) {
                    first = f;
                }
                if (f.outcome().triesNextRelay()) {
                    order.unreachable(relay);
                }
                if (!f.outcome().triesNextRelay()) {
                    throw f;
                }
            }
        }
        throw relays.size() == 1 ? first : new SshFailure(new Outcome(first.outcome().kind(), first.outcome().cause(),
                first.outcome().status(), first.outcome().text() + " (and " + (relays.size() - 1)
                        + " more relay(s) failed)", first.outcome().relayExit()));
    }

    private SshClient client() {
        if (client == null) {
            SshClient c = SshClient.setUpDefaultClient();
            c.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // no ~/.ssh/config
            c.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER); // no ~/.ssh/id_*
            c.setServerKeyVerifier(new KnownHostsVerifier(config.knownHosts(),
                    config.hostKeyDns() ? config.dns() : null));
            Duration cmd = config.commandTimeout();
            CoreModuleProperties.IO_CONNECT_TIMEOUT.set(c, config.connectTimeout());
            CoreModuleProperties.CHANNEL_OPEN_TIMEOUT.set(c, cmd);
            CoreModuleProperties.WINDOW_TIMEOUT.set(c, cmd);
            CoreModuleProperties.IDLE_TIMEOUT.set(c, cmd.plus(config.idleTimeout()).plus(Duration.ofMinutes(1)));
            CoreModuleProperties.NIO2_READ_TIMEOUT.set(c, Duration.ZERO);
            // A request-reply protocol: the next message's envelope, written while the last body
            // is not yet acknowledged, must not wait for that ACK (Nagle, RFC 896).
            CoreModuleProperties.TCP_NODELAY.set(c, true);
            c.start();
            client = c;
        }
        return client;
    }

    private RelayLink connect(RelayAddress relay) throws SshFailure {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(relay.host());
        } catch (UnknownHostException e) {
            throw new SshFailure(Outcome.temporary(Cause.DNS, "4.4.3", "cannot resolve relay host name "
                    + relay.host() + " (" + relay + ")"));
        } catch (SecurityException e) {
            throw new SshFailure(Outcome.temporary(Cause.DNS, "4.4.3", "cannot resolve " + relay.host() + ": " + e));
        }
        SshFailure last = null;
        for (InetAddress address : addresses) {
            try {
                return connect(relay, new InetSocketAddress(address, relay.port()));
            } catch (SshFailure f) {
                last = f;
                Cause c = f.outcome().cause();
                if (c != Cause.REFUSED && c != Cause.TIMEOUT && c != Cause.UNREACHABLE) {
                    throw f;
                }
            }
        }
        throw last;
    }

    private RelayLink connect(RelayAddress relay, InetSocketAddress target) throws SshFailure {
        ClientSession session = null;
        String where = relay.toString() + (relay.host().equals(target.getAddress().getHostAddress()) ? ""
                : " (" + target.getAddress().getHostAddress() + ")");
        WireLog.note(relay, "connecting to " + target.getAddress().getHostAddress() + " port " + target.getPort());
        try {
            ConnectFuture cf = client().connect(relay.user(), target,
                    AttributeRepository.ofKeyValuePair(KnownHostsVerifier.RELAY, relay), null);
            if (!cf.await(config.connectTimeout())) {
                cf.cancel();
                throw new SshFailure(Outcome.temporary(Cause.TIMEOUT, "4.4.1", "connection to relay " + where
                        + " timed out after " + config.connectTimeout().toSeconds() + "s"));
            }
            if (cf.getException() != null) {
                throw classifyConnect(cf.getException(), where);
            }
            session = cf.getSession();
            for (KeyPair k : keys) {
                session.addPublicKeyIdentity(k);
            }
            AuthFuture af = session.auth();
            Duration authWait = config.authTimeout().plus(config.connectTimeout());
            boolean done = af.await(authWait);
            String trusted = session.getAttribute(KnownHostsVerifier.TRUSTED);
            hostKeyRule = trusted == null ? "" : trusted;
            String hostKeyProblem = session.getAttribute(KnownHostsVerifier.FAILURE);
            if (hostKeyProblem != null) {
                throw new SshFailure(Outcome.temporary(Cause.HOST_KEY, "4.7.0", hostKeyProblem));
            }
            if (!done) {
                throw new SshFailure(Outcome.temporary(Cause.TIMEOUT, "4.4.1", "relay " + where
                        + " did not complete the SSH handshake and authentication within " + authWait.toSeconds() + "s"));
            }
            if (!af.isSuccess()) {
                Throwable t = af.getException();
                if ((session.isOpen() && (t == null || String.valueOf(t.getMessage()).contains("authentication")))
                        || (t != null && String.valueOf(t.getMessage()).toLowerCase().contains("authentication"))) {
                    throw new SshFailure(Outcome.temporary(Cause.AUTH, "4.7.0", "relay " + where + " refused our key "
                            + config.identity() + " (user " + relay.user() + "): " + authAdvice()));
                }
                throw new SshFailure(Outcome.temporary(Cause.SSH, "4.4.2", "SSH with relay " + where + " failed: "
                        + (t == null ? "session closed" : RelayLink.reason(t))));
            }
            WireLog.note(relay, "host key accepted, authenticated as " + relay.user() + " with " + config.identity());
            RelayLink l = new RelayLink(relay, session, config.remoteCommand(), config.commandTimeout());
            session = null;
            return l;
        } catch (IOException | RuntimeException e) {
            throw classifyConnect(e, where);
        } finally {
            if (session != null) {
                session.close(true);
            }
        }
    }

    /** What to check when the relay refused us: the certificate, when one is presented, else the key's line. */
    private String authAdvice() {
        if (config.certificate() == null) {
            return "add its public half to the relay's authorized_keys behind a restrict,command=\"rsendmail ...\" line";
        }
        OpenSshCertificate cert = (OpenSshCertificate) keys.get(0).getPublic();
        String window = CertificateWindow.outside(cert.getValidAfter(), cert.getValidBefore(), java.time.Instant.now());
        return "with certificate " + config.certificate() + (window != null ? ", which is " + window
                : " (id " + cert.getId() + ", principals " + String.join(",", cert.getPrincipals())
                        + "): check the relay's cert-authority line, its principals and the relay's log");
    }

    static SshFailure classifyConnect(Throwable e, String where) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return new SshFailure(Outcome.temporary(Cause.REFUSED, "4.4.1", "relay " + where
                        + " refused the connection (" + RelayLink.reason(t) + ")"));
            }
            if (t instanceof NoRouteToHostException) {
                return new SshFailure(Outcome.temporary(Cause.UNREACHABLE, "4.4.1", "no route to relay " + where));
            }
            if (t instanceof SocketTimeoutException || t instanceof java.nio.channels.InterruptedByTimeoutException) {
                return new SshFailure(Outcome.temporary(Cause.TIMEOUT, "4.4.1", "connection to relay " + where
                        + " timed out"));
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return new SshFailure(Outcome.temporary(Cause.DNS, "4.4.3", "cannot resolve relay " + where));
            }
        }
        String m = RelayLink.reason(e);
        if (m.toLowerCase().contains("refused")) {
            return new SshFailure(Outcome.temporary(Cause.REFUSED, "4.4.1", "relay " + where + " refused the connection"));
        }
        if (m.toLowerCase().contains("timed out") || m.toLowerCase().contains("timeout")) {
            return new SshFailure(Outcome.temporary(Cause.TIMEOUT, "4.4.1", "connection to relay " + where + " timed out"));
        }
        return new SshFailure(Outcome.temporary(Cause.SSH, "4.4.2", "SSH connection to relay " + where + " failed: " + m));
    }

    /**
     * From another thread (the daemon's stop): cuts the session at hand, so that a blocked read
     * fails at once, and opens no new one. The owning thread still calls {@link #close}.
     */
    public void abort() {
        aborted = true;
        RelayLink l = link;
        if (l != null) {
            l.abort();
        }
    }

    /** Closes the session (the daemon does this when idle); the next send reconnects. */
    public void closeLink() {
        if (link != null) {
            link.close();
            link = null;
        }
    }

    @Override
    public void close() {
        closeLink();
        if (client != null) {
            try {
                client.stop();
            } catch (RuntimeException e) {
                // closing anyway
            }
            client = null;
        }
    }
}
