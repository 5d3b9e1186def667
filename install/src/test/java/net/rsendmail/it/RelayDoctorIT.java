package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.rsendmail.it.PrivateKnot.Zone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rsendmail doctor} against a knotd the test starts, serving a DNSSEC-signed domain that is
 * right and unsigned ones that are wrong in the ways that bite: SPF without the egress address,
 * over 10 lookups, two SPF records; a 1024-bit DKIM key; no DMARC; a PTR that does not confirm.
 * Its SPF verdicts are compared with Debian's pyspf on the same server.
 */
class RelayDoctorIT {
    @TempDir
    static Path dir;
    static PrivateKnot knot;

    static String rsaRecord(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        String p = Base64.getEncoder().encodeToString(g.generateKeyPair().getPublic().getEncoded());
        StringBuilder b = new StringBuilder("\"v=DKIM1; k=rsa; p=");
        for (int i = 0; i < p.length(); i += 200) {
            b.append(i == 0 ? "" : "\" \"").append(p, i, Math.min(p.length(), i + 200));
        }
        return b.append('"').toString();
    }

    @BeforeAll
    static void dns() throws Exception {
        StringBuilder many = new StringBuilder("@ TXT \"v=spf1");
        StringBuilder hosts = new StringBuilder();
        for (int i = 1; i <= 11; i++) {
            many.append(" a:h").append(i).append(".many.test");
            hosts.append("h").append(i).append(" A 198.51.100.").append(i).append('\n');
        }
        knot = new PrivateKnot(dir.resolve("knot"),
                new Zone("good.test", String.join("\n",
                        "@ MX 10 mx", "mx A 192.0.2.25", "relay A 192.0.2.1",
                        "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"",
                        "sel._domainkey TXT " + rsaRecord(2048),
                        "_dmarc TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@good.test\"",
                        "_mta-sts TXT \"v=STSv1; id=20260101\"",
                        "_smtp._tls TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@good.test\""), Zone.Kind.SIGNED),
                new Zone("bad.test", String.join("\n",
                        "@ MX 0 .", "relay A 192.0.2.99",
                        "@ TXT \"v=spf1 ip4:198.51.100.1 -all\"",
                        "old._domainkey TXT " + rsaRecord(1024)), Zone.Kind.UNSIGNED),
                new Zone("many.test", many.append(" -all\"\n").append(hosts).toString(), Zone.Kind.UNSIGNED),
                new Zone("two.test", "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"\n@ TXT \"v=spf1 -all\"", Zone.Kind.UNSIGNED),
                new Zone("2.0.192.in-addr.arpa", "1 PTR relay.good.test.\n2 PTR relay.bad.test.", Zone.Kind.UNSIGNED));
    }

    @AfterAll
    static void stop() {
        if (knot != null) {
            knot.close();
        }
    }

    private static Proc.Result doctor(String... args) {
        Path conf = Files2.write(dir.resolve("rsendmail.conf"), "sendmail /bin/cat\n");
        List<String> cmd = new ArrayList<>(List.of(Dist.rsendmail().toString(), "doctor", "--dns-server", knot.server(),
                "--trust-anchor", knot.trustAnchor.toString(), "--config", conf.toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, null, Duration.ofSeconds(120), null, dir);
    }

    private static String line(Proc.Result r, String verdict, String check) {
        return r.out().lines().filter(l -> l.startsWith(verdict + "  " + check + " ") || l.equals(verdict + "  " + check))
                .findFirst().orElseThrow(() -> new AssertionError("no " + verdict + " " + check + " line in:\n" + r));
    }

    @Test
    void aDomainSetUpRightPassesEveryCheck() {
        Proc.Result r = doctor("--domain", "good.test", "--egress", "192.0.2.1", "--selector", "sel");
        assertEquals(0, r.exit(), r::toString);
        line(r, "PASS", "mx good.test");
        assertTrue(line(r, "PASS", "spf good.test 192.0.2.1").contains("pass"), r::toString);
        assertTrue(line(r, "PASS", "ptr 192.0.2.1").contains("relay.good.test, which resolves back"), r::toString);
        assertTrue(line(r, "PASS", "dkim good.test sel").contains("rsa 2048 bits, DNSSEC-signed"), r::toString);
        assertTrue(line(r, "PASS", "dmarc good.test").contains("p=reject"), r::toString);
        line(r, "PASS", "mta-sts good.test");
        line(r, "PASS", "tls-rpt good.test");
        assertTrue(line(r, "PASS", "transport sendmail").contains("/bin/cat is executable"), r::toString);
        assertTrue(r.out().contains("all 8 checks passed"), r::toString);
    }

    @Test
    void aDomainSetUpWrongFailsWithTheRecordsThatFixIt() {
        Proc.Result r = doctor("--domain", "bad.test", "--egress", "192.0.2.2", "--selector", "old", "--json");
        assertEquals(1, r.exit(), r::toString);
        String out = r.out();
        assertTrue(out.contains("{\"verdict\":\"FAIL\",\"check\":\"spf bad.test 192.0.2.2\",\"why\":\"fail: "), out);
        assertTrue(out.contains("\"fix\":\"bad.test. IN TXT \\\"v=spf1 ip4:192.0.2.2 ip4:198.51.100.1 -all\\\"\""), out);
        assertTrue(out.contains("{\"verdict\":\"FAIL\",\"check\":\"ptr 192.0.2.2\",\"why\":\"PTR relay.bad.test does not"
                + " resolve back to 192.0.2.2"), out);
        assertTrue(out.contains("{\"verdict\":\"FAIL\",\"check\":\"dkim bad.test old\",\"why\":\"old._domainkey.bad.test:"
                + " RSA key of 1024 bits"), out);
        assertTrue(out.contains("{\"verdict\":\"WARN\",\"check\":\"dmarc bad.test\",\"why\":\"no DMARC record"), out);
        assertTrue(out.contains("\"fix\":\"_dmarc.bad.test. IN TXT \\\"v=DMARC1; p=quarantine;"), out);
        assertTrue(out.contains("{\"verdict\":\"WARN\",\"check\":\"mx bad.test\",\"why\":\"null MX"), out);
        assertTrue(out.contains("{\"verdict\":\"WARN\",\"check\":\"mta-sts bad.test\""), out);
    }

    @Test
    void spfVerdictsAreThoseOfPyspf() {
        String[][] cases = {
            {"good.test", "192.0.2.1", "pass"}, {"good.test", "192.0.2.3", "fail"},
            {"bad.test", "192.0.2.2", "fail"}, {"many.test", "192.0.2.1", "permerror"},
            {"two.test", "192.0.2.1", "permerror"},
        };
        List<String> py = new ArrayList<>(List.of("/usr/bin/python3", "-c", SpfIT.PYSPF, knot.address,
                String.valueOf(knot.port)));
        for (String[] c : cases) {
            py.add(c[1]);
            py.add("postmaster@" + c[0]);
        }
        Proc.Result theirs = Proc.run(py, null, Duration.ofSeconds(120), null, dir);
        assertEquals(0, theirs.exit(), theirs::toString);
        List<String> verdicts = theirs.out().lines().toList();
        for (int i = 0; i < cases.length; i++) {
            String[] c = cases[i];
            assertEquals(c[2], verdicts.get(i), "pyspf for " + c[0] + " " + c[1]);
            Proc.Result ours = doctor("--domain", c[0], "--egress", c[1], "--selector", "none");
            String l = line(ours, c[2].equals("pass") ? "PASS" : "FAIL", "spf " + c[0] + " " + c[1]);
            assertTrue(l.contains("  " + c[2] + ": "), l);
        }
    }

    @Test
    void aBadCommandLineIsAUsageError() {
        Proc.Result r = Proc.run(List.of(Dist.rsendmail().toString(), "doctor", "--egress", "not-an-address", "--domain",
                "x.test"), null, Duration.ofSeconds(60), null, dir);
        assertEquals(64, r.exit(), r::toString);
        assertTrue(r.err().contains("--egress needs a numeric IPv4 or IPv6 address"), r::toString);
        Proc.Result noDomain = Proc.run(List.of(Dist.rsendmail().toString(), "doctor"), null, Duration.ofSeconds(60), null, dir);
        assertEquals(64, noDomain.exit(), noDomain::toString);
        assertTrue(noDomain.err().contains("--domain is required"), noDomain::toString);
    }
}
