package net.rsendmail.mtasts;

import net.rsendmail.mail.Printable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;

/** Why connecting to the policy host or talking TLS to it failed, in words for one log line. */
final class FetchFailure {
    private FetchFailure() {
    }

    /** {@code e} from connecting, the handshake or reading, for the policy host {@code host}. */
    static String of(IOException e, String host) {
        if (find(e, SocketTimeoutException.class) != null) {
            return "timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (e instanceof SSLException) {
            return tls(e, host);
        }
        return message(e);
    }

    /**
     * RFC 8461 §3.3: the certificate must be valid for the policy host and chain to a trusted root;
     * the JDK says which check failed somewhere in the cause chain.
     */
    private static String tls(Throwable e, String host) {
        if (find(e, CertificateExpiredException.class) != null) {
            return "certificate has expired";
        }
        if (find(e, CertificateNotYetValidException.class) != null) {
            return "certificate is not yet valid";
        }
        if (find(e, CertPathBuilderException.class) != null) {
            return "certificate not trusted (no chain to a trusted CA)";
        }
        CertPathValidatorException invalid = find(e, CertPathValidatorException.class);
        if (invalid != null) {
            return "certificate not trusted: " + message(invalid);
        }
        CertificateException cert = find(e, CertificateException.class);
        String m = cert == null ? null : cert.getMessage();
        if (m != null && (m.startsWith("No subject alternative") || m.startsWith("No name matching"))) {
            return "certificate does not match " + host;
        }
        return "TLS failed: " + message(cert != null ? cert : e);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return Printable.of(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }
}
