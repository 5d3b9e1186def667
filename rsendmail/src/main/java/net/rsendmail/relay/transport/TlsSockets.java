package net.rsendmail.relay.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import net.rsendmail.dns.Tlsa;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;

/**
 * The TLS side of a smarthost connection, for STARTTLS and smtps alike. {@code verify}: the JDK's
 * trust store or {@code smtp_ca_file}, and the host name (or IP address) checked against the
 * certificate by the JDK (RFC 6125, the "HTTPS" endpoint identification); {@code may} and
 * {@code encrypt}: any certificate (RFC 7435 opportunistic security); {@code verify} with TLSA
 * records: DANE ({@link DaneTrust}). A client certificate is offered when configured. The name
 * sent (SNI) and checked is always the configured host's (the MX host's), even when the
 * connection goes to one of its addresses.
 */
final class TlsSockets {
    private TlsSockets() {
    }

    /** {@code dane}: the usable TLSA records of the host, or none (then PKIX under {@code verify}). */
    static SSLSocketFactory factory(SmtpSettings s, boolean verify, List<Tlsa> dane) throws Refusal {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            String name = s.host().host();
            TrustManager[] trust = !verify ? new TrustManager[] {new AnyCertificate()}
                    : dane.isEmpty() ? trustManagers(s.caFile().orElse(null))
                    : new TrustManager[] {new DaneTrust(dane, "_" + s.host().port() + "._tcp." + name)};
            ctx.init(keyManagers(s), trust, null);
            return new Checked(ctx.getSocketFactory(), verify, name);
        } catch (GeneralSecurityException e) {
            throw Refusal.config("smarthost TLS setup: " + e.getMessage());
        }
    }

    /**
     * Plain PKIX, for fetching an MTA-STS policy (RFC 8461 §3.3): the trusted CAs of
     * {@code smtp_ca_file} or the JDK; the caller sets the host name check.
     */
    static SSLSocketFactory pkix(SmtpSettings s) throws Refusal {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, trustManagers(s.caFile().orElse(null)), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw Refusal.config("MTA-STS TLS setup: " + e.getMessage());
        }
    }

    private static TrustManager[] trustManagers(Path caFile) throws GeneralSecurityException, Refusal {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile == null) {
            tmf.init((KeyStore) null); // the JDK's trust store
            return tmf.getTrustManagers();
        }
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int n = 0;
        for (Certificate c : certificates(caFile, "smtp_ca_file")) {
            ks.setCertificateEntry("ca" + n++, c);
        }
        tmf.init(ks);
        return tmf.getTrustManagers();
    }

    private static KeyManager[] keyManagers(SmtpSettings s) throws GeneralSecurityException, Refusal {
        if (s.clientCert().isEmpty()) {
            return null;
        }
        Collection<? extends Certificate> chain = certificates(s.clientCert().get(), "smtp_client_cert");
        PrivateKey key = privateKey(s.clientKey().orElseThrow());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        char[] none = new char[0];
        try {
            ks.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        ks.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, none);
        return kmf.getKeyManagers();
    }

    private static Collection<? extends Certificate> certificates(Path file, String key) throws Refusal {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw Refusal.config(key + " " + file + ": no PEM certificate in it");
            }
            return certs;
        } catch (IOException e) {
            throw Refusal.config(key + " " + file + ": " + OsReason.of(e));
        } catch (GeneralSecurityException e) {
            throw Refusal.config(key + " " + file + ": not PEM certificates: " + e.getMessage());
        }
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}, as {@code openssl genpkey} writes it): RSA, EC or Ed25519. */
    private static PrivateKey privateKey(Path file) throws Refusal {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw Refusal.config("smtp_client_key " + file + ": " + OsReason.of(e));
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw Refusal.config("smtp_client_key " + file + ": expected a PKCS#8 PEM key (BEGIN PRIVATE KEY)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        } catch (IllegalArgumentException e) {
            throw Refusal.config("smtp_client_key " + file + ": bad base64");
        }
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw Refusal.config("smtp_client_key " + file + ": not an RSA, EC or Ed25519 key");
    }

    /** Opportunistic TLS (RFC 7435): encrypted, the peer not authenticated. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * Layers TLS over the connected socket with {@code name} as the peer (SNI and the name
     * checked), and sets the JDK's host name check under {@code verify}.
     */
    private static final class Checked extends SSLSocketFactory {
        private final SSLSocketFactory d;
        private final boolean verify;
        private final String name;

        Checked(SSLSocketFactory d, boolean verify, String name) {
            this.d = d;
            this.verify = verify;
            this.name = name;
        }

        private Socket checked(Socket s) {
            if (verify && s instanceof SSLSocket ssl) {
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
            }
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return d.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return d.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return checked(d.createSocket(s, name, port, autoClose)); // host: the address connected to
        }

        @Override
        public Socket createSocket() throws IOException {
            return checked(d.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checked(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checked(d.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checked(d.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return checked(d.createSocket(address, port, localAddress, localPort));
        }
    }
}
