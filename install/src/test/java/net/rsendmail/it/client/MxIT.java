package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateHttps;
import net.rsendmail.it.PrivateKnot;
import net.rsendmail.it.PrivateKnot.Zone;
import net.rsendmail.it.PrivatePostfix;
import net.rsendmail.it.Proc;
import net.rsendmail.it.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code transport mx} end to end: the dist rsendmail looks up each recipient domain's MX in a
 * DNSSEC-signed zone served by a real knotd on 127.0.0.x and hands the message to the MX hosts,
 * smtpd services of a real Postfix listening on port 25 of 127.0.0.2, .4 and .5 (STARTTLS with
 * certificates of a test CA made by openssl, or self-signed), whose virtual(8) delivers into a
 * Maildir. Nothing listens on 127.0.0.9 (the MX that refuses connections). Needs root (Postfix,
 * port 25).
 *
 * <pre>
 * plain.mx.test    MX 10 mx1       mx1 127.0.0.2, TLSA 3 1 1 of its key (DANE)
 * fallback.mx.test MX 10 down, 20 mx1      down 127.0.0.9
 * nomx.mx.test     A 127.0.0.2 (implicit MX)
 * self.mx.test     MX 10 self      self 127.0.0.4, self-signed, no TLSA
 * bad.mx.test      MX 10 mxbad     mxbad 127.0.0.5, TLSA that matches nothing
 * null.mx.test     MX 0 .          (RFC 7505)
 * sts.mx.test      MX 10 self      MTA-STS enforce, mx: self.mx.test (policy host 127.0.0.6)
 * sts2.mx.test     MX 10 self, 20 mx2      MTA-STS enforce, mx: mx2.mx.test (127.0.0.7); mx2 127.0.0.2, no TLSA
 * </pre>
 *
 * The MTA-STS policies are served over HTTPS by Debian's python3 on port 443 of 127.0.0.6 and .7.
 */
class MxIT {
    static final String ALICE = "alice@client.test";

    static Path dir;
    static TestCa ca;
    static PrivateKnot knot;
    static PrivatePostfix postfix;
    static final List<PrivateHttps> policies = new ArrayList<>();

    World w;

    @BeforeAll
    static void startDnsAndMx() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files2.isRoot(), "Postfix on port 25 needs root");
        dir = Files2.tempDir("it-mx");
        ca = TestCa.create(Files.createDirectories(dir.resolve("ca")));
        Path[] mx1 = ca.server("mx1", "mx1.mx.test", "mx2.mx.test", "nomx.mx.test", "mxbad.mx.test");
        Path[] https = ca.server("policy-host", "mta-sts.sts.mx.test", "mta-sts.sts2.mx.test");
        Path[] self = ca.selfSigned("self");
        String zone = String.join("\n",
                "mx1 A 127.0.0.2",
                "_25._tcp.mx1 TLSA 3 1 1 " + ca.spkiSha256(mx1[1]),
                "down A 127.0.0.9",
                "self A 127.0.0.4",
                "mxbad A 127.0.0.5",
                "_25._tcp.mxbad TLSA 3 1 1 " + "00".repeat(32),
                "plain MX 10 mx1",
                "fallback MX 10 down",
                "fallback MX 20 mx1",
                "nomx A 127.0.0.2",
                "self.mx.test. MX 10 self",
                "bad MX 10 mxbad",
                "null MX 0 .",
                "mx2 A 127.0.0.2",
                "sts MX 10 self",
                "_mta-sts.sts TXT \"v=STSv1; id=20261202\"",
                "mta-sts.sts A 127.0.0.6",
                "sts2 MX 10 self",
                "sts2 MX 20 mx2",
                "_mta-sts.sts2 TXT \"v=STSv1; id=1\"",
                "mta-sts.sts2 A 127.0.0.7");
        policies.add(new PrivateHttps(Files.createDirectories(dir.resolve("sts")), "127.0.0.6", 443,
                "version: STSv1\nmode: enforce\nmx: self.mx.test\nmax_age: 86400\n", https[1], https[0]));
        policies.add(new PrivateHttps(Files.createDirectories(dir.resolve("sts2")), "127.0.0.7", 443,
                "version: STSv1\r\nmode: enforce\r\nmx: mx2.mx.test\r\nmax_age: 604800\r\n", https[1], https[0]));
        knot = new PrivateKnot(Files.createDirectories(dir.resolve("knot")), new Zone("mx.test", zone, Zone.Kind.SIGNED));
        Path access = Files2.write(dir.resolve("access"), "temp@plain.mx.test 450 4.2.1 mailbox busy, try later\n"
                + "gone@plain.mx.test 550 5.1.1 no such mailbox here\n");
        List<String> main = List.of(
                "smtpd_tls_cert_file = " + mx1[1],
                "smtpd_tls_key_file = " + mx1[0],
                "smtpd_tls_security_level = may",
                "smtpd_tls_loglevel = 1",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                "smtpd_recipient_restrictions = check_recipient_access texthash:" + access,
                "smtpd_helo_restrictions =",
                "smtpd_client_restrictions =");
        List<String> services = new ArrayList<>(PrivatePostfix.SMTPD_SERVICES);
        String smtpd = ":25 inet  n       -       n       -       -       smtpd";
        services.addAll(List.of(
                "127.0.0.2" + smtpd,
                "127.0.0.4" + smtpd, "  -o smtpd_tls_cert_file=" + self[1], "  -o smtpd_tls_key_file=" + self[0],
                "127.0.0.5" + smtpd));
        postfix = PrivatePostfix.start(Files.createDirectories(dir.resolve("postfix")), main, services);
        for (String a : new String[] {"127.0.0.2", "127.0.0.4", "127.0.0.5"}) {
            postfix.awaitSmtpd(a, 25);
        }
    }

    @AfterAll
    static void stopDnsAndMx() {
        try {
            if (postfix != null) {
                postfix.close();
            }
        } finally {
            try {
                if (knot != null) {
                    knot.close();
                }
                for (PrivateHttps h : policies) {
                    h.close();
                }
            } finally {
                if (dir != null && !Boolean.getBoolean("it.keep")) {
                    Files2.deleteTree(dir);
                }
            }
        }
    }

    @BeforeEach
    void start() {
        postfix.clear();
        w = new World();
        w.clientConfig("background no\n");
        transport("");
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    /** The relay's config: transport mx with the private DNS, plus {@code lines}, in [policy default]. */
    private void transport(String lines) {
        Files2.write(w.relayConf, "log " + w.dir.resolve("relay.log") + "\n"
                + "state_dir " + w.dir + "\n"
                + "default_policy default\n"
                + "[policy default]\nmax_recipients 100\ntransport mx\nhelo_name relay.client.test\n"
                + "dns_servers " + knot.server() + "\ndns_trust_anchor " + knot.trustAnchor + "\n" + lines + "\n");
    }

    private String diagnostics() {
        return "\n--- relay log:\n" + w.relayLog() + "\n--- client log:\n" + w.clientLog() + "\n--- MX maillog:\n"
                + postfix.maillog() + "\n--- knot:\n" + knot.log();
    }

    /** An LMTP session with the dist rsendmail (PIPELINING: the whole dialog at once). */
    private Proc.Result lmtp(String sender, String body, String... rcpts) {
        StringBuilder d = new StringBuilder("LHLO client.test\nMAIL FROM:<" + sender + ">\n");
        for (String r : rcpts) {
            d.append("RCPT TO:<").append(r).append(">\n");
        }
        d.append("DATA\n").append(body).append(".\nQUIT\n");
        return w.run(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(), "--lmtp"),
                d.toString().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ofSeconds(90));
    }

    private static String body(String to, String subject, String... extraHeaders) {
        return "From: <" + ALICE + ">\nTo: <" + to + ">\nSubject: " + subject + "\n" + String.join("", extraHeaders)
                + "Message-ID: <" + subject.replace(' ', '-') + "@client.test>\n\nbody\n";
    }

    /** The reply lines after DATA: one per recipient (RFC 2033 §4.2). */
    private static List<String> dataReplies(Proc.Result r, int n) {
        List<String> lines = r.out().lines().toList();
        int data = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("354")) {
                data = i;
            }
        }
        assertTrue(data >= 0 && lines.size() >= data + 1 + n, r::toString);
        return lines.subList(data + 1, data + 1 + n);
    }

    @Test
    void queuedMailGoesToTheDomainsMxVerifiedByDaneWithItsBytesUnchanged() {
        byte[] m = World.message(ALICE, "bob@plain.mx.test", "direct to mx");
        Proc.Result r = w.sshsendmail(m, "-oi", "-f", ALICE, "bob@plain.mx.test");
        assertEquals(0, r.exit(), r::toString);
        w.sshsendmail(null, "-q");
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(1, Duration.ofSeconds(60));
        assertEquals("bob@plain.mx.test", got.get(0).deliveredTo(), this::diagnostics);
        assertEquals(new String(m, StandardCharsets.UTF_8), new String(got.get(0).original(), StandardCharsets.UTF_8));
        assertTrue(w.clientLog().contains("status=sent"), this::diagnostics);
        assertTrue(postfix.maillog().contains("TLS connection established from"), "STARTTLS" + diagnostics());
        // the same under smtp_tls verify without a CA for it: DANE-EE needs none (RFC 7672 §3.1.1)
        transport("smtp_tls verify");
        Proc.Result v = lmtp(ALICE, body("carol@plain.mx.test", "dane under verify"), "carol@plain.mx.test");
        assertTrue(dataReplies(v, 1).get(0).startsWith("250 "), v + diagnostics());
    }

    @Test
    void eachRecipientGetsItsDomainsOwnAnswer() {
        Proc.Result r = lmtp(ALICE, body("ok@plain.mx.test", "mixed"), "ok@plain.mx.test", "temp@plain.mx.test",
                "gone@plain.mx.test", "x@null.mx.test", "y@nosuch.mx.test");
        List<String> got = dataReplies(r, 5);
        assertTrue(got.get(0).startsWith("250 2.0.0 smtp://mx1.mx.test:25 said: "), r + diagnostics());
        assertTrue(got.get(1).startsWith("450 4.2.1 smtp://mx1.mx.test:25 said: ") && got.get(1).contains("mailbox busy"),
                r::toString);
        assertTrue(got.get(2).startsWith("550 5.1.1 ") && got.get(2).contains("no such mailbox here"), r::toString);
        assertEquals("556 5.1.10 null.mx.test accepts no mail (null MX, RFC 7505)", got.get(3), r::toString);
        assertEquals("550 5.1.2 nosuch.mx.test does not exist (DNS: no such domain)", got.get(4), r::toString);
        assertEquals(1, postfix.awaitMessages(1, Duration.ofSeconds(60)).size());
        // plain mode: the worst first, as the one exit code
        Proc.Result plain = w.run(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(), "-f", ALICE,
                "--", "x@null.mx.test"), World.message(ALICE, "x@null.mx.test", "null mx"), Map.of(), Duration.ofSeconds(60));
        assertEquals(67, plain.exit(), "5.1.10, an addressing status (RFC 3463 §3.2): EX_NOUSER from the one table: "
                + plain);
        assertEquals("5.1.10 x@null.mx.test: null.mx.test accepts no mail (null MX, RFC 7505)\n", plain.err());
    }

    @Test
    void theNextMxIsTriedWhenTheFirstRefusesConnectionsAndADomainWithoutMxIsItsOwn() {
        Proc.Result r = lmtp(ALICE, body("bob@fallback.mx.test", "fallback"), "bob@fallback.mx.test", "eve@nomx.mx.test");
        List<String> got = dataReplies(r, 2);
        assertTrue(got.get(0).startsWith("250 2.0.0 smtp://mx1.mx.test:25 said: "), r + diagnostics());
        assertTrue(got.get(1).startsWith("250 2.0.0 smtp://nomx.mx.test:25 said: "), r + diagnostics());
        List<String> to = postfix.awaitMessages(2, Duration.ofSeconds(60)).stream()
                .map(PrivatePostfix.Delivered::deliveredTo).sorted().toList();
        assertEquals(List.of("bob@fallback.mx.test", "eve@nomx.mx.test"), to);
        // with no MX host that answers, the reason names each one tried
        transport("inet_protocols ipv6");
        Proc.Result v6 = lmtp(ALICE, body("bob@fallback.mx.test", "ipv6 only"), "bob@fallback.mx.test");
        assertEquals("451 4.4.1 no MX host of fallback.mx.test took the message: down.mx.test: no ipv6 address;"
                + " mx1.mx.test: no ipv6 address", dataReplies(v6, 1).get(0), v6::toString);
    }

    @Test
    void aSelfSignedMxFailsUnderVerifyAndPassesUnderMay() {
        transport("smtp_tls verify\nsmtp_ca_file " + ca.caCert());
        Proc.Result verify = lmtp(ALICE, body("bob@self.mx.test", "self verify"), "bob@self.mx.test");
        String no = dataReplies(verify, 1).get(0);
        assertTrue(no.startsWith("451 4.7.5 no MX host of self.mx.test took the message: no verified TLS with"
                + " smtp://self.mx.test:25 [127.0.0.4]: "), verify + diagnostics());
        assertEquals(0, postfix.delivered().size());
        transport(""); // smtp_tls may, the default for MX hosts
        Proc.Result may = lmtp(ALICE, body("bob@self.mx.test", "self may"), "bob@self.mx.test");
        assertTrue(dataReplies(may, 1).get(0).startsWith("250 2.0.0 smtp://self.mx.test:25 said: "), may + diagnostics());
        assertEquals("bob@self.mx.test", postfix.awaitMessages(1, Duration.ofSeconds(60)).get(0).deliveredTo());
    }

    @Test
    void aDaneMismatchIsRefusedEvenUnderMayUnlessTheMessageSaysTlsRequiredNo() {
        Proc.Result r = lmtp(ALICE, body("bob@bad.mx.test", "dane mismatch"), "bob@bad.mx.test");
        String no = dataReplies(r, 1).get(0);
        assertTrue(no.startsWith("451 4.7.5 no MX host of bad.mx.test took the message: no verified TLS with"
                + " smtp://mxbad.mx.test:25 [127.0.0.5]: ") && no.contains("no TLSA record of _25._tcp.mxbad.mx.test"
                + " matches"), r + diagnostics());
        assertTrue(w.relayLog().contains("4.7.5"), this::diagnostics);
        assertEquals(0, postfix.delivered().size());
        // RFC 8689 §5: the sender asked for delivery even without verified TLS
        Proc.Result relaxed = lmtp(ALICE, body("bob@bad.mx.test", "tls optional", "TLS-Required: No\n"), "bob@bad.mx.test");
        assertTrue(dataReplies(relaxed, 1).get(0).startsWith("250 "), relaxed + diagnostics());
        assertEquals(1, postfix.awaitMessages(1, Duration.ofSeconds(60)).size());
    }

    @Test
    void requireTlsToAnMxThatDoesNotOfferItIs5730() {
        StringBuilder d = new StringBuilder("LHLO client.test\nMAIL FROM:<" + ALICE + "> REQUIRETLS\n"
                + "RCPT TO:<bob@plain.mx.test>\nRCPT TO:<eve@self.mx.test>\nDATA\n"
                + body("bob@plain.mx.test", "requiretls") + ".\nQUIT\n");
        Proc.Result r = w.run(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(), "--lmtp"),
                d.toString().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ofSeconds(90));
        assertTrue(r.out().contains("250-REQUIRETLS\r\n"), "transport mx offers it: " + r);
        List<String> got = dataReplies(r, 2);
        assertEquals("550 5.7.30 REQUIRETLS support required (smtp://mx1.mx.test:25 does not offer REQUIRETLS)",
                got.get(0), "DANE-verified, but Postfix offers no REQUIRETLS: " + r);
        assertEquals("550 5.7.30 REQUIRETLS support required (smtp://self.mx.test:25 is not verified)", got.get(1),
                r::toString);
        assertEquals(0, postfix.delivered().size(), "nothing sent");
    }

    @Test
    void anMtaStsPolicyInEnforceModeNamesTheMxHostsAndRequiresTheirCertificates() {
        transport("smtp_ca_file " + ca.caCert()); // the policy hosts' and mx2's CA; smtp_tls stays may
        Proc.Result r = lmtp(ALICE, body("bob@sts.mx.test", "sts"), "bob@sts.mx.test", "carol@sts2.mx.test");
        List<String> got = dataReplies(r, 2);
        assertTrue(got.get(0).startsWith("451 4.7.5 no MX host of sts.mx.test took the message: no verified TLS with"
                + " smtp://self.mx.test:25 [127.0.0.4]: "), "self-signed, under the policy: " + r + diagnostics());
        assertTrue(got.get(1).startsWith("250 2.0.0 smtp://mx2.mx.test:25 said: "), r + diagnostics());
        List<PrivatePostfix.Delivered> d = postfix.awaitMessages(1, Duration.ofSeconds(60));
        assertEquals("carol@sts2.mx.test", d.get(0).deliveredTo());
        assertTrue(postfix.maillog().contains("Trusted TLS connection established")
                || postfix.maillog().contains("TLS connection established"), this::diagnostics);
        assertTrue(policies.get(1).log().contains("GET /.well-known/mta-sts.txt"), policies.get(1)::log);
        // self.mx.test, the preferred MX of sts2, is not in its policy: skipped, and said so when nothing else is left
        transport("smtp_ca_file " + ca.caCert() + "\ninet_protocols ipv6");
        Proc.Result v6 = lmtp(ALICE, body("carol@sts2.mx.test", "sts v6"), "carol@sts2.mx.test");
        assertEquals("451 4.4.1 no MX host of sts2.mx.test took the message: self.mx.test: not an mx of"
                + " sts2.mx.test's MTA-STS policy; mx2.mx.test: no ipv6 address", dataReplies(v6, 1).get(0), v6::toString);
    }

    /** rsendmail doctor: transport mx needs its DNS resolver and trust anchor, and says where its answers come from. */
    @Test
    void theDoctorChecksWhatDirectDeliveryNeeds() {
        Path conf = Files2.write(w.dir.resolve("doctor.conf"), "sendmail /bin/cat\ntransport mx\ndns_servers "
                + knot.server() + "\ndns_trust_anchor " + knot.trustAnchor + "\n"
                + "[policy broken]\ntransport mx\ndns_trust_anchor " + w.dir.resolve("missing.key") + "\n");
        Proc.Result r = Proc.run(List.of(Dist.rsendmail().toString(), "doctor", "--config", conf.toString(), "--domain",
                "client.test", "--egress", "192.0.2.1", "--dns-server", "127.0.0.1:9"), null, Duration.ofSeconds(120), null,
                w.dir);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("PASS  transport mx ") && l.contains("DNSSEC trust anchor "
                + knot.trustAnchor + " read; MX, address and TLSA records from " + knot.server() + ";")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  transport mx ") && l.contains("missing.key does not exist")),
                r::toString);
        assertTrue(r.out().contains("fix: set dns_servers or dns_trust_anchor"), r::toString);
    }
}
