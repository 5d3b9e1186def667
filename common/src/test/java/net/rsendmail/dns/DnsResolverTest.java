package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lookups against {@link ZoneServer}, an unsigned zone under a trust anchor for another zone:
 * every answer is insecure. Signed, bogus and insecure-below-an-anchor answers are DnsIT's, with knot.
 */
class DnsResolverTest {
    private static final String ZONE_HEX = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private DnsResolver resolver(ZoneServer server, Duration timeout) throws Exception {
        Path anchor = Files.writeString(dir.resolve("anchor"), "anchor.invalid. 3600 IN DS 12345 13 2 " + ZONE_HEX + "\n");
        return DnsResolver.open(new DnsSettings(List.of(server.address()), timeout, anchor));
    }

    private static ZoneServer zone(String... lines) throws Exception {
        return new ZoneServer(false, lines);
    }

    @Test
    void mxByPreferenceEqualOnesShuffled() throws Exception {
        try (ZoneServer z = zone("example.test. MX 20 c.example.test.", "example.test. MX 10 A.example.test.",
                "example.test. MX 10 b.example.test.", "example.test. MX 30 d.example.net.")) {
            DnsResolver r = resolver(z, Duration.ofSeconds(5));
            java.util.Set<String> firsts = new java.util.HashSet<>();
            for (int i = 0; i < 40; i++) {
                MailRoute.Exchangers e = assertInstanceOf(MailRoute.Exchangers.class, r.mx("example.test"));
                assertEquals(List.of(10, 10, 20, 30), e.hosts().stream().map(MailExchanger::preference).toList());
                assertEquals(List.of("c.example.test", "d.example.net"),
                        e.hosts().subList(2, 4).stream().map(MailExchanger::host).toList());
                assertEquals(false, e.secure());
                assertEquals(false, e.implicit());
                firsts.add(e.hosts().get(0).host());
            }
            assertEquals(java.util.Set.of("a.example.test", "b.example.test"), firsts);
        }
    }

    @Test
    void nullMxIsItsOwnResultAndADotBesideRealOnesIsSkipped() throws Exception {
        try (ZoneServer z = zone("null.test. MX 0 .", "null.test. A 192.0.2.1", "mixed.test. MX 0 .",
                "mixed.test. MX 10 mx.mixed.test.")) {
            DnsResolver r = resolver(z, Duration.ofSeconds(5));
            assertEquals(new MailRoute.NullMx(false), r.mx("null.test"));
            assertEquals(new MailRoute.Exchangers(List.of(new MailExchanger(10, "mx.mixed.test")), false, false),
                    r.mx("mixed.test"));
        }
    }

    @Test
    void noMxFallsBackToTheDomainsAddress() throws Exception {
        try (ZoneServer z = zone("v4.test. A 192.0.2.1", "v6.test. AAAA 2001:db8::1", "bare.test. TXT \"x\"")) {
            DnsResolver r = resolver(z, Duration.ofSeconds(5));
            assertEquals(new MailRoute.Exchangers(List.of(new MailExchanger(0, "v4.test")), false, true), r.mx("v4.test"));
            assertEquals(new MailRoute.Exchangers(List.of(new MailExchanger(0, "v6.test")), false, true), r.mx("V6.test."));
            assertEquals(new MailRoute.NoRoute(new Answer.NoData<>(false)), r.mx("bare.test"));
            assertEquals(new MailRoute.NoRoute(new Answer.NxDomain<>(false)), r.mx("none.test"));
        }
    }

    @Test
    void typedRecords() throws Exception {
        try (ZoneServer z = zone("h.test. A 192.0.2.7", "h.test. AAAA 2001:db8::7",
                "h.test. TXT \"v=spf1 ip4:192.0.2.7 \" \"-all\"", "h.test. TXT \"second\"",
                "h.test. SSHFP 4 2 " + ZONE_HEX, "_25._tcp.h.test. TLSA 3 1 1 " + ZONE_HEX,
                "7.2.0.192.in-addr.arpa. PTR H.test.")) {
            DnsResolver r = resolver(z, Duration.ofSeconds(5));
            assertEquals(new Answer.Found<>(List.of(InetAddress.getByName("192.0.2.7")), false), r.a("h.test"));
            assertEquals(new Answer.Found<>(List.of(InetAddress.getByName("2001:db8::7")), false), r.aaaa("h.test"));
            Answer.Found<String> txt = assertInstanceOf(Answer.Found.class, r.txt("h.test"));
            assertEquals(java.util.Set.of("v=spf1 ip4:192.0.2.7 -all", "second"), java.util.Set.copyOf(txt.records()));
            Answer.Found<Sshfp> fp = assertInstanceOf(Answer.Found.class, r.sshfp("h.test"));
            assertEquals("4 2 " + ZONE_HEX, fp.records().get(0).toString());
            Answer.Found<Tlsa> tlsa = assertInstanceOf(Answer.Found.class, r.tlsa("_25._tcp.h.test"));
            assertEquals("3 1 1 " + ZONE_HEX, tlsa.records().get(0).toString());
            assertEquals(new Answer.Found<>(List.of("h.test"), false), r.ptr(InetAddress.getByName("192.0.2.7")));
            assertEquals(new Answer.NoData<>(false), r.sshfp("_25._tcp.h.test"));
            assertEquals(new Answer.NxDomain<>(false), r.ptr(InetAddress.getByName("192.0.2.8")));
        }
    }

    @Test
    void aServerThatNeverAnswersIsAFailureAfterTheTimeout() throws Exception {
        try (ZoneServer z = new ZoneServer(true)) {
            DnsResolver r = resolver(z, Duration.ofSeconds(1));
            long t0 = System.nanoTime();
            Answer.Failed<Sshfp> f = assertInstanceOf(Answer.Failed.class, r.sshfp("h.test"));
            assertTrue(f.reason().startsWith("SSHFP h.test: no answer from the DNS server(s)"), f.reason());
            assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
        }
    }

    @Test
    void namesOutsideTheWhitelistAreNeverSent() throws Exception {
        try (ZoneServer z = zone("h.test. A 192.0.2.7")) {
            DnsResolver r = resolver(z, Duration.ofSeconds(5));
            assertEquals(new Answer.Failed<>("SSHFP h.test\\000: not a domain name we look up"), r.sshfp("h.test\\000"));
            assertEquals(new MailRoute.NoRoute(new Answer.Failed<>("MX a b: not a domain name we look up")), r.mx("a b"));
        }
    }

    @Test
    void anUnusableTrustAnchorIsRefusedWithItsReason() throws Exception {
        DnsSettings missing = new DnsSettings(List.of(DnsSettings.server("127.0.0.1")), Duration.ofSeconds(1),
                dir.resolve("nope"));
        assertTrue(assertThrows(DnsSetupException.class, () -> DnsResolver.open(missing)).getMessage()
                .contains("does not exist"));
        Path noDs = Files.writeString(dir.resolve("a"), "example. 300 IN A 192.0.2.1\n");
        assertTrue(assertThrows(DnsSetupException.class, () -> DnsResolver.open(new DnsSettings(missing.servers(),
                missing.timeout(), noDs))).getMessage().contains("has no DS or DNSKEY record"));
        Path garbage = Files.writeString(dir.resolve("g"), "this is not a zone file {\n");
        assertTrue(assertThrows(DnsSetupException.class, () -> DnsResolver.open(new DnsSettings(missing.servers(),
                missing.timeout(), garbage))).getMessage().contains("not in zone-file form"));
        // the default, Debian's dns-root-data (.ci/run installs it), is usable
        DnsResolver.open(new DnsSettings(missing.servers(), missing.timeout(), DnsSettings.DEBIAN_ROOT_KEY));
    }
}
