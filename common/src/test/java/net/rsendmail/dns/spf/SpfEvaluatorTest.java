package net.rsendmail.dns.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.ZoneServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** check_host() against an in-process zone (the same cases, compared with pyspf against knot, are SpfIT's). */
class SpfEvaluatorTest {
    static ZoneServer zone;
    static SpfEvaluator spf;

    static List<String> lines() {
        List<String> z = new ArrayList<>(List.of(
                "pass.test. TXT \"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\"",
                "soft.test. TXT \"v=spf1 ~all\"",
                "neutral.test. TXT \"v=spf1 ?all\"",
                "empty.test. TXT \"v=spf1\"",
                "none.test. TXT \"not spf\"",
                "two.test. TXT \"v=spf1 -all\"", "two.test. TXT \"v=spf1 +all\"",
                "inc.test. TXT \"v=spf1 include:pass.test -all\"",
                "incnone.test. TXT \"v=spf1 include:none.test -all\"",
                "a.test. TXT \"v=spf1 a mx:mx.test ~all\"", "a.test. A 192.0.2.9",
                "mx.test. MX 10 mail.mx.test.", "mail.mx.test. A 203.0.113.7",
                "ex.test. TXT \"v=spf1 exists:%{ir}.list.test -all\"", "5.2.0.192.list.test. A 127.0.0.2",
                "void.test. TXT \"v=spf1 a:n1.test a:n2.test a:n3.test -all\"",
                "void2.test. TXT \"v=spf1 a:n1.test a:n2.test -all\"",
                "red.test. TXT \"v=spf1 redirect=pass.test\"",
                "rednone.test. TXT \"v=spf1 redirect=none.test\"",
                "temp.test. TXT \"v=spf1 include:x.refused.test -all\"",
                "syntax.test. TXT \"v=spf1 ip4:192.0.2.0/33 -all\"",
                "ptr.test. TXT \"v=spf1 ptr -all\"", "7.2.0.192.in-addr.arpa. PTR host.ptr.test.",
                "host.ptr.test. A 192.0.2.7"));
        StringBuilder many = new StringBuilder("many.test. TXT \"v=spf1");
        for (int i = 1; i <= 11; i++) {
            many.append(" a:x").append(i).append(".test");
            z.add("x" + i + ".test. A 198.51.100.98");
        }
        z.add(many + " -all\"");
        return z;
    }

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        zone = new ZoneServer(false, lines().toArray(String[]::new));
        Path anchor = Files.writeString(dir.resolve("anchor"), "anchor.invalid. 3600 IN DS 1 13 2 "
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
        spf = new SpfEvaluator(DnsResolver.open(new DnsSettings(List.of(zone.address()), Duration.ofSeconds(2), anchor)));
    }

    @AfterAll
    static void stop() throws Exception {
        zone.close();
    }

    @ParameterizedTest
    @CsvSource({
        "192.0.2.5,    alice@pass.test,    pass",
        "2001:db8::5,  alice@pass.test,    pass",
        "198.51.100.1, alice@pass.test,    fail",
        "198.51.100.1, alice@soft.test,    softfail",
        "198.51.100.1, alice@neutral.test, neutral",
        "198.51.100.1, alice@empty.test,   neutral",
        "198.51.100.1, alice@none.test,    none",
        "198.51.100.1, alice@nothing.test, none",
        "198.51.100.1, alice@localhost,    none",
        "198.51.100.1, alice@two.test,     permerror",
        "192.0.2.5,    alice@inc.test,     pass",
        "198.51.100.1, alice@inc.test,     fail",
        "192.0.2.5,    alice@incnone.test, permerror",
        "192.0.2.9,    alice@a.test,       pass",
        "203.0.113.7,  alice@a.test,       pass",
        "203.0.113.8,  alice@a.test,       softfail",
        "192.0.2.5,    alice@ex.test,      pass",
        "192.0.2.6,    alice@ex.test,      fail",
        "192.0.2.5,    alice@void.test,    permerror",
        "192.0.2.5,    alice@void2.test,   fail",
        "192.0.2.5,    alice@red.test,     pass",
        "198.51.100.1, alice@red.test,     fail",
        "192.0.2.5,    alice@rednone.test, permerror",
        "192.0.2.5,    alice@temp.test,    temperror",
        "192.0.2.5,    alice@syntax.test,  permerror",
        "192.0.2.7,    alice@ptr.test,     pass",
        "192.0.2.8,    alice@ptr.test,     fail",
        "198.51.100.99, alice@many.test,   permerror",
    })
    void verdicts(String ip, String sender, String result) throws Exception {
        SpfVerdict v = spf.check(InetAddress.getByName(ip), sender, "helo.example");
        assertEquals(result, v.result().word(), v::why);
    }

    @org.junit.jupiter.api.Test
    void theNullSenderIsCheckedAsPostmasterOfTheHeloName() throws Exception {
        assertEquals(SpfResult.PASS, spf.check(InetAddress.getByName("192.0.2.5"), "", "pass.test").result());
        assertEquals(SpfResult.FAIL, spf.check(InetAddress.getByName("198.51.100.1"), "", "pass.test").result());
    }

    @org.junit.jupiter.api.Test
    void theReasonNamesTheLimit() throws Exception {
        SpfVerdict many = spf.check(InetAddress.getByName("198.51.100.99"), "a@many.test", "h.example");
        assertTrue(many.why().contains("more than 10 DNS-querying terms"), many.why());
        SpfVerdict voids = spf.check(InetAddress.getByName("192.0.2.5"), "a@void.test", "h.example");
        assertTrue(voids.why().contains("more than 2 void DNS lookups"), voids.why());
        SpfVerdict two = spf.check(InetAddress.getByName("192.0.2.5"), "a@two.test", "h.example");
        assertTrue(two.why().contains("two.test has 2 SPF records"), two.why());
    }
}
