package net.rsendmail.mtasts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertPathBuilderException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.ZoneServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the fetcher decides before any connection, and how connection failures are worded. */
class MtaStsFetcherTest {
    private static final String HOST = "mta-sts.example.test";

    @TempDir
    Path dir;

    private DnsResolver resolver(ZoneServer z) throws Exception {
        Path anchor = Files.writeString(dir.resolve("anchor"), "anchor.invalid. 3600 IN DS 12345 13 2 "
                + "0123456789abcdef".repeat(4) + "\n");
        return DnsResolver.open(new DnsSettings(List.of(z.address()), Duration.ofSeconds(2), anchor));
    }

    private static SSLSocketFactory pkix() {
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    @Test
    void aPolicyHostWithoutAddressesFailsBeforeConnecting() throws Exception {
        try (ZoneServer z = new ZoneServer(false, "mta-sts.noaddr.test. TXT \"x\"")) {
            DnsResolver dns = resolver(z);
            assertEquals(new MtaStsFetcher.Fetched.Failed("mta-sts.absent.test: no address (A: no such name; "
                    + "AAAA: no such name)"), MtaStsFetcher.fetch(dns, "Absent.Test.", pkix(), Duration.ofSeconds(5)));
            assertEquals(new MtaStsFetcher.Fetched.Failed("mta-sts.noaddr.test: no address (A: none; AAAA: none)"),
                    MtaStsFetcher.fetch(dns, "noaddr.test", pkix(), Duration.ofSeconds(5)));
            MtaStsFetcher.Fetched.Failed refused = assertInstanceOf(MtaStsFetcher.Fetched.Failed.class,
                    MtaStsFetcher.fetch(dns, "x.refused.test", pkix(), Duration.ofSeconds(5)));
            assertTrue(refused.reason().startsWith("mta-sts.x.refused.test: no address (A: "), refused.reason());
        }
    }

    @Test
    void namesThatAreNotHostNamesAreRefused() throws Exception {
        try (ZoneServer z = new ZoneServer(false)) {
            DnsResolver dns = resolver(z);
            for (String bad : new String[] {"", ".", "a..test", "a test", "_x.test", "a.test\r\nHost: evil",
                    "\u00e9.test", "a".repeat(64) + ".test", "x/../y"}) {
                MtaStsFetcher.Fetched.Failed f = assertInstanceOf(MtaStsFetcher.Fetched.Failed.class,
                        MtaStsFetcher.fetch(dns, bad, pkix(), Duration.ofSeconds(5)), bad);
                assertTrue(f.reason().endsWith("is not a domain name") && f.reason().matches("[^\\p{Cc}\\p{Cf}]*"), f.reason());
            }
        }
    }

    @Test
    void theFacadeReportsDnsFailuresAsUnavailableAndNoRecordAsNoPolicy() throws Exception {
        try (ZoneServer z = new ZoneServer(false, "_mta-sts.nohost.test. TXT \"v=STSv1; id=1\"")) {
            DnsResolver dns = resolver(z);
            assertEquals(new MtaSts.Outcome.NoPolicy(), MtaSts.policyFor(dns, "none.test", pkix(), Duration.ofSeconds(5)));
            assertEquals(new MtaSts.Outcome.Unavailable("mta-sts.nohost.test: no address (A: no such name; "
                    + "AAAA: no such name)"), MtaSts.policyFor(dns, "nohost.test", pkix(), Duration.ofSeconds(5)));
            assertInstanceOf(MtaSts.Outcome.Unavailable.class,
                    MtaSts.policyFor(dns, "x.refused.test", pkix(), Duration.ofSeconds(5)));
        }
    }

    private static SSLHandshakeException handshake(Throwable cause) {
        SSLHandshakeException e = new SSLHandshakeException("PKIX path building failed: " + cause);
        e.initCause(cause);
        return e;
    }

    @Test
    void tlsFailuresAreNamedFromTheCauseChain() {
        assertEquals("certificate does not match " + HOST, FetchFailure.of(handshake(
                new CertificateException("No subject alternative DNS name matching " + HOST + " found.")), HOST));
        assertEquals("certificate does not match " + HOST, FetchFailure.of(handshake(
                new CertificateException("No name matching " + HOST + " found")), HOST));
        assertEquals("certificate does not match " + HOST, FetchFailure.of(handshake(
                new CertificateException("No subject alternative names present")), HOST));
        assertEquals("certificate not trusted (no chain to a trusted CA)", FetchFailure.of(handshake(
                new CertificateException(new CertPathBuilderException("unable to find valid certification path"))), HOST));
        assertEquals("certificate has expired", FetchFailure.of(handshake(new CertificateException(
                new CertPathValidatorException("validity check failed", new CertificateExpiredException("NotAfter")))),
                HOST));
        assertEquals("certificate is not yet valid", FetchFailure.of(handshake(
                new CertificateNotYetValidException("NotBefore")), HOST));
        assertEquals("certificate not trusted: revoked", FetchFailure.of(handshake(
                new CertificateException(new CertPathValidatorException("revoked"))), HOST));
        assertEquals("TLS failed: Received fatal alert: handshake_failure", FetchFailure.of(
                new SSLHandshakeException("Received fatal alert: handshake_failure"), HOST));
        assertEquals("TLS failed: SSLHandshakeException", FetchFailure.of(new SSLHandshakeException(null), HOST));
    }

    @Test
    void connectionFailuresInPlainWords() {
        assertEquals("timed out", FetchFailure.of(new SocketTimeoutException("Read timed out"), HOST));
        assertEquals("timed out", FetchFailure.of(handshake(new SocketTimeoutException("x")), HOST));
        assertEquals("connection refused", FetchFailure.of(new ConnectException("Connection refused"), HOST));
        assertEquals("Connection reset", FetchFailure.of(new SocketException("Connection reset"), HOST));
        assertEquals("a\\x0ab", FetchFailure.of(new SocketException("a\nb"), HOST));
        assertEquals(83, FetchFailure.of(new SocketException("x".repeat(500)), HOST).length());
    }

    @Test
    void theDeadlineCountsDownAndNeverSaysZeroWhileTimeIsLeft() {
        assertEquals(0, new Deadline(Duration.ZERO).millisLeft());
        assertEquals(0, new Deadline(Duration.ofSeconds(-1)).millisLeft());
        int left = new Deadline(Duration.ofSeconds(10)).millisLeft();
        assertTrue(left > 9000 && left <= 10_000, String.valueOf(left));
        assertTrue(new Deadline(Duration.ofNanos(999_999_000L)).millisLeft() > 0);
    }
}
