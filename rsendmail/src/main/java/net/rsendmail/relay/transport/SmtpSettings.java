package net.rsendmail.relay.transport;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.rsendmail.config.HostPort;

/**
 * How to reach one smarthost (SPEC §2.6), as validated from the config file.
 *
 * @param implicitTls {@code smtps://}: TLS from the first byte (RFC 8314 §3.3), else STARTTLS (RFC 3207)
 * @param caFile      PEM certificates to trust instead of the JDK's default trust store
 * @param clientCert  a PEM certificate chain with {@code clientKey} (PKCS#8 PEM), both or neither
 * @param heloName    the EHLO name; empty: the local host name
 * @param socks5      a SOCKS5 proxy to connect through (no proxy authentication)
 * @param inet        the address families to connect over
 */
public record SmtpSettings(
        HostPort host,
        boolean implicitTls,
        TlsMode tls,
        Optional<Path> caFile,
        Optional<Path> clientCert,
        Optional<Path> clientKey,
        Optional<SmtpAuth> auth,
        Optional<String> heloName,
        Optional<InetAddress> sourceAddress,
        Duration connectTimeout,
        Duration timeout,
        Optional<HostPort> socks5,
        InetProtocols inet) {

    public static final int SMTP_PORT = 25;
    public static final int SMTPS_PORT = 465;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    /** {@code smtp_tls}: what TLS the next hop must give (RFC 3207, RFC 8314). */
    public enum TlsMode {
        /** Plain text; STARTTLS is not tried. */
        NONE,
        /** STARTTLS when offered, certificate not checked; plain text otherwise. */
        MAY,
        /** TLS required, certificate not checked. */
        ENCRYPT,
        /** TLS required, the certificate chain and the host name checked (RFC 6125). */
        VERIFY
    }

    /**
     * These settings for one next hop of {@code transport mx}: {@code host} on port 25 with STARTTLS,
     * {@code tls} as DANE or MTA-STS raised it.
     */
    public SmtpSettings forHop(String host, TlsMode tls) {
        return new SmtpSettings(new HostPort(host, SMTP_PORT), false, tls, caFile, clientCert, clientKey, auth, heloName,
                sourceAddress, connectTimeout, timeout, socks5, inet);
    }

    /** The far side in log and reply text: {@code smtp://host:port}. */
    public String name() {
        return (implicitTls ? "smtps://" : "smtp://") + host;
    }

    /** {@code smtp_auth MECHANISM}, {@code smtp_user}, and where the secret comes from. */
    public record SmtpAuth(Mechanism mechanism, String user, Secret secret) {
    }

    public enum Mechanism {
        PLAIN, LOGIN, XOAUTH2
    }

    /** The password (or OAuth2 token), read when a connection is made, never kept in the config. */
    public sealed interface Secret {
        /** {@code smtp_secret_file}: its first line; the file must not be readable by group or others. */
        record File(Path path) implements Secret {
        }

        /** {@code smtp_secret_command}: the first line its standard output gives within {@code timeout}. */
        record Command(List<String> argv, Duration timeout) implements Secret {
            public Command {
                argv = List.copyOf(argv);
            }
        }
    }
}
