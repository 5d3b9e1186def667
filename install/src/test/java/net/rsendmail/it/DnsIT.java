package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.MailExchanger;
import net.rsendmail.dns.MailRoute;
import net.rsendmail.dns.Sshfp;
import net.rsendmail.dns.Tlsa;
import net.rsendmail.it.PrivateKnot.Zone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of answer of net.rsendmail.dns against Debian's knotd serving a signed and an unsigned zone. */
class DnsIT {
    static final String FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String FP2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    static final String SIGNED = "mx MX 10 mx1\nmx MX 10 mx2\nmx MX 10 mx3\nmx MX 5 mx0.unsigned.test.\nmx MX 20 mx4\n"
            + "null MX 0 .\nplain A 192.0.2.10\n"
            + "host A 192.0.2.1\nhost AAAA 2001:db8::1\nhost SSHFP 4 2 " + FP + "\nhost SSHFP 1 2 " + FP2 + "\n"
            + "host TXT \"v=spf1 ip4:192.0.2.1 \" \"-all\"\n_25._tcp.host TLSA 3 1 1 " + FP + "\n";

    static Path dir;
    static PrivateKnot knot;

    @BeforeAll
    static void start() {
        dir = Files2.tempDir("dns-it");
        knot = new PrivateKnot(dir.resolve("knot"), new Zone("signed.test", SIGNED, Zone.Kind.SIGNED),
                new Zone("unsigned.test", "host SSHFP 4 2 " + FP + "\nhost A 192.0.2.2\n", Zone.Kind.UNSIGNED));
    }

    @AfterAll
    static void stop() {
        if (knot != null) {
            knot.close();
        }
        if (!Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(dir);
        }
    }

    static DnsResolver resolver(PrivateKnot k, Path anchor) throws Exception {
        return DnsResolver.open(new DnsSettings(List.of(DnsSettings.server(k.server())), Duration.ofSeconds(3), anchor));
    }

    @Test
    void signedRecordsAreFoundSecure() throws Exception {
        DnsResolver r = resolver(knot, knot.trustAnchor);
        Answer.Found<Sshfp> fp = assertInstanceOf(Answer.Found.class, r.sshfp("host.signed.test"), knot::log);
        assertTrue(fp.secure());
        assertEquals(Set.of("4 2 " + FP, "1 2 " + FP2), Set.copyOf(fp.records().stream().map(Sshfp::toString).toList()));
        Answer.Found<Tlsa> tlsa = assertInstanceOf(Answer.Found.class, r.tlsa("_25._tcp.host.signed.test"));
        assertEquals(List.of("3 1 1 " + FP), tlsa.records().stream().map(Tlsa::toString).toList());
        assertTrue(tlsa.secure());
        assertEquals(new Answer.Found<>(List.of("v=spf1 ip4:192.0.2.1 -all"), true), r.txt("host.signed.test"));
        assertEquals(new Answer.Found<>(List.of(InetAddress.getByName("192.0.2.1")), true), r.a("host.signed.test"));
        assertEquals(new Answer.Found<>(List.of(InetAddress.getByName("2001:db8::1")), true), r.aaaa("HOST.signed.test."));
    }

    @Test
    void signedDenialsAreSecureToo() throws Exception {
        DnsResolver r = resolver(knot, knot.trustAnchor);
        assertEquals(new Answer.NoData<>(true), r.sshfp("plain.signed.test"));
        assertEquals(new Answer.NxDomain<>(true), r.sshfp("nothing.signed.test"));
    }

    @Test
    void anUnsignedZoneIsInsecure() throws Exception {
        DnsResolver r = resolver(knot, knot.trustAnchor);
        Answer.Found<Sshfp> f = assertInstanceOf(Answer.Found.class, r.sshfp("host.unsigned.test"));
        assertEquals(false, f.secure());
        assertEquals(List.of("4 2 " + FP), f.records().stream().map(Sshfp::toString).toList());
        assertEquals(new Answer.NxDomain<>(false), r.a("nothing.unsigned.test"));
        assertEquals(new Answer.NoData<>(false), r.txt("host.unsigned.test"));
    }

    @Test
    void aWrongTrustAnchorMakesEverySignedAnswerBogus() throws Exception {
        Path wrong = knot.wrongTrustAnchor(dir.resolve("wrong.ds"));
        DnsResolver r = resolver(knot, wrong);
        Answer.Bogus<Sshfp> b = assertInstanceOf(Answer.Bogus.class, r.sshfp("host.signed.test"));
        assertTrue(b.reason().startsWith("SSHFP host.signed.test: DNSSEC validation failed: "), b.reason());
        assertInstanceOf(Answer.Bogus.class, r.sshfp("nothing.signed.test"), "a denial cannot be proven either");
        // what no anchor covers is still just insecure
        assertEquals(false, ((Answer.Found<?>) r.sshfp("host.unsigned.test")).secure());
    }

    @Test
    void aRecordChangedAfterSigningIsBogus() throws Exception {
        String signed = knot.transfer("signed.test");
        String upper = FP.toUpperCase(java.util.Locale.ROOT); // as kdig prints the rdata
        assertTrue(signed.contains("RRSIG") && signed.contains(upper), signed);
        // AXFR ends with the SOA again: a zone file has it once
        String tampered = String.join("\n", new java.util.LinkedHashSet<>(signed.lines().toList()))
                .replace(upper, upper.replace('9', '8')) + "\n";
        try (PrivateKnot copy = new PrivateKnot(dir.resolve("tampered"), new Zone("signed.test", tampered,
                Zone.Kind.AS_IS))) {
            DnsResolver r = resolver(copy, knot.trustAnchor);
            Answer.Bogus<Sshfp> b = assertInstanceOf(Answer.Bogus.class, r.sshfp("host.signed.test"), copy::log);
            assertTrue(b.reason().contains("DNSSEC validation failed"), b.reason());
            // the records left alone still validate: the keys are the signed zone's own
            assertEquals(new Answer.Found<>(List.of(InetAddress.getByName("192.0.2.1")), true), r.a("host.signed.test"));
        }
    }

    @Test
    void aZoneTheServerDoesNotServeFails() throws Exception {
        Answer.Failed<?> f = assertInstanceOf(Answer.Failed.class, resolver(knot, knot.trustAnchor).a("example.org"));
        assertTrue(f.reason().contains("REFUSED"), f.reason());
    }

    @Test
    void mxInPreferenceOrderEqualOnesShuffledNullMxAndTheImplicitMx() throws Exception {
        DnsResolver r = resolver(knot, knot.trustAnchor);
        Set<List<String>> orders = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            MailRoute.Exchangers e = assertInstanceOf(MailRoute.Exchangers.class, r.mx("mx.signed.test"));
            assertTrue(e.secure());
            assertEquals(List.of(5, 10, 10, 10, 20), e.hosts().stream().map(MailExchanger::preference).toList());
            assertEquals("mx0.unsigned.test", e.hosts().get(0).host());
            assertEquals("mx4.signed.test", e.hosts().get(4).host());
            orders.add(e.hosts().subList(1, 4).stream().map(MailExchanger::host).toList());
        }
        assertTrue(orders.size() > 1, "equal preferences come in more than one order: " + orders);
        assertEquals(new MailRoute.NullMx(true), r.mx("null.signed.test"));
        assertEquals(new MailRoute.Exchangers(List.of(new MailExchanger(0, "plain.signed.test")), true, true),
                r.mx("plain.signed.test"));
        assertEquals(new MailRoute.NoRoute(new Answer.NxDomain<>(true)), r.mx("nothing.signed.test"));
        assertEquals(new MailRoute.Exchangers(List.of(new MailExchanger(0, "host.unsigned.test")), false, true),
                r.mx("host.unsigned.test"));
    }
}
