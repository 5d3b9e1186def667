package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The digests below were computed by openssl (x509 -pubkey | pkey -pubin -outform DER | dgst), not by this code. */
class DaneMatchTest {
    static final String PEM = "-----BEGIN CERTIFICATE-----\n"
            + "MIIBiDCCAS+gAwIBAgIUaAGtL3iCld9b+IheyfbFvDHV0iQwCgYIKoZIzj0EAwIw\n"
            + "GTEXMBUGA1UEAwwObXguZXhhbXBsZS5uZXQwIBcNMjYxMjAyMTg0NzI1WhgPMjEy\n"
            + "NjExMDgxODQ3MjVaMBkxFzAVBgNVBAMMDm14LmV4YW1wbGUubmV0MFkwEwYHKoZI\n"
            + "zj0CAQYIKoZIzj0DAQcDQgAEYUhQC0QgYX4T8kFH6JtjViyBFM5Hk3ytca48Nbm8\n"
            + "NWSpiZkYSS4Qn849IDFwUptPE4eFSVDncAYnGA3bBqbDLaNTMFEwHQYDVR0OBBYE\n"
            + "FMQbqdi6RfDJOSNaEQzR9biENXViMB8GA1UdIwQYMBaAFMQbqdi6RfDJOSNaEQzR\n"
            + "9biENXViMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgV+Wt2CnF\n"
            + "lV3dAwa0jlDGJJ0KlchvE/ZekoZIHVhiszACIA8su4Jh1plqIWL4Wdcp9VejkYic\n"
            + "8yiWsf1TCRC+dMps\n"
            + "-----END CERTIFICATE-----\n";
    static final String SPKI_SHA256 = "ff5d4e73e1d8f3be8e431045295d7b8452d75db6f45b9dad6b68266598ff5f76";
    static final String SPKI_SHA512 = "f0854b19ba86f5965656b3ea7e6fbfaed53bdbe262dcef2c9b6b7d01f5e0954f"
            + "28fc10fecc45d31196161cd4105e3d2b7ed4302bdc1be8649a21dbfda257520d";
    static final String CERT_SHA256 = "c1d4eee0b4f8a064a7d65eff2ff015ba60222c1a0cf5ec9ebe9376216b2c566f";
    static final String SPKI = "3059301306072a8648ce3d020106082a8648ce3d030107034200046148500b4420617e13f24147e89b6356"
            + "2c8114ce47937cad71ae3c35b9bc3564a9899918492e109fce3d203170529b4f1387854950e7700627180ddb06a6c32d";

    static X509Certificate cert() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(PEM.getBytes(StandardCharsets.US_ASCII)));
    }

    static Tlsa tlsa(int usage, int selector, int matching, String hex) {
        return new Tlsa(usage, selector, matching, HexFormat.of().parseHex(hex));
    }

    @Test
    void eachSelectorAndMatchingType() throws Exception {
        X509Certificate c = cert();
        assertTrue(DaneMatch.matches(tlsa(3, 1, 1, SPKI_SHA256), c));
        assertTrue(DaneMatch.matches(tlsa(3, 1, 2, SPKI_SHA512), c));
        assertTrue(DaneMatch.matches(tlsa(3, 1, 0, SPKI), c));
        assertTrue(DaneMatch.matches(tlsa(3, 0, 1, CERT_SHA256), c));
        assertTrue(DaneMatch.matches(tlsa(2, 0, 0, HexFormat.of().formatHex(c.getEncoded())), c));
        assertTrue(DaneMatch.matches(tlsa(2, 1, 1, SPKI_SHA256), c));
    }

    @Test
    void anythingElseDoesNotMatch() throws Exception {
        X509Certificate c = cert();
        assertFalse(DaneMatch.matches(tlsa(3, 0, 1, SPKI_SHA256), c), "the key's digest under the certificate selector");
        assertFalse(DaneMatch.matches(tlsa(3, 1, 2, SPKI_SHA256), c), "a SHA-256 digest as SHA-512");
        assertFalse(DaneMatch.matches(tlsa(3, 1, 1, "00".repeat(32)), c));
        assertFalse(DaneMatch.matches(tlsa(3, 1, 1, SPKI_SHA256.substring(0, 62)), c), "one byte short");
        assertFalse(DaneMatch.matches(tlsa(3, 1, 1, ""), c));
        assertFalse(DaneMatch.matches(tlsa(3, 1, 0, SPKI + "00"), c));
        // RFC 7672 §3.1: PKIX-TA(0) and PKIX-EE(1) are not used by SMTP clients, even when the data matches
        assertFalse(DaneMatch.matches(tlsa(1, 1, 1, SPKI_SHA256), c));
        assertFalse(DaneMatch.matches(tlsa(0, 1, 1, SPKI_SHA256), c));
        assertFalse(DaneMatch.matches(tlsa(3, 2, 1, SPKI_SHA256), c), "selector 2 is undefined");
        assertFalse(DaneMatch.matches(tlsa(3, 1, 3, SPKI_SHA256), c), "matching type 3 is undefined");
        assertFalse(DaneMatch.matches(tlsa(255, 1, 1, SPKI_SHA256), c));
    }

    @Test
    void usableRecords() {
        int usable = 0;
        for (int u = 0; u < 256; u++) {
            for (int s = 0; s < 256; s++) {
                for (int m = 0; m < 256; m++) {
                    usable += DaneMatch.usable(new Tlsa(u, s, m, new byte[32])) ? 1 : 0;
                }
            }
        }
        assertEquals(2 * 2 * 3, usable, "usages 2-3, selectors 0-1, matching types 0-2 and nothing else");
    }
}
