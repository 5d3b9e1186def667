package net.rsendmail.relay.transport;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import net.rsendmail.dns.DaneMatch;
import net.rsendmail.dns.Tlsa;

/**
 * The server certificate checked against the MX host's DNSSEC-validated TLSA records (RFC 7672
 * §3.1) instead of a CA store: DANE-EE(3) matches the server's own certificate or key, with no name
 * or expiry check (§3.1.1); DANE-TA(2) names the trust anchor in the presented chain, which must
 * then validate up to it, the host name included (§3.1.2). Extended, so the JDK adds no check of
 * its own.
 */
final class DaneTrust extends X509ExtendedTrustManager {
    private final List<Tlsa> records;
    private final String base;

    /** {@code base}: the TLSA name, for the failure text ({@code _25._tcp.mx.example.net}). */
    DaneTrust(List<Tlsa> records, String base) {
        this.records = List.copyOf(records);
        this.base = base;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (eeMatches(chain)) {
            return;
        }
        X509ExtendedTrustManager ta = anchored(chain);
        ta.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (eeMatches(chain)) {
            return;
        }
        anchored(chain).checkServerTrusted(chain, authType, engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("DANE needs the connection to check the host name");
    }

    private boolean eeMatches(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("no server certificate");
        }
        for (Tlsa t : records) {
            if (t.usage() == DaneMatch.DANE_EE && DaneMatch.matches(t, chain[0])) {
                return true;
            }
        }
        return false;
    }

    /** PKIX with the chain's certificate that a DANE-TA record names as the only trust anchor. */
    private X509ExtendedTrustManager anchored(X509Certificate[] chain) throws CertificateException {
        for (Tlsa t : records) {
            if (t.usage() != DaneMatch.DANE_TA) {
                continue;
            }
            for (X509Certificate c : chain) {
                if (DaneMatch.matches(t, c)) {
                    return pkix(c);
                }
            }
        }
        throw new CertificateException("no TLSA record of " + base + " matches the certificate "
                + chain[0].getSubjectX500Principal().getName() + " (DANE, RFC 7672)");
    }

    private static X509ExtendedTrustManager pkix(X509Certificate anchor) throws CertificateException {
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("dane-ta", anchor);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(ks);
            for (TrustManager m : tmf.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new CertificateException("no PKIX trust manager in this JDK");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new CertificateException("DANE-TA: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client-side trust manager only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client-side trust manager only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client-side trust manager only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    @Override
    public String toString() {
        return "DANE " + base + " " + Arrays.toString(records.toArray());
    }
}
