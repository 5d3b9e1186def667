package net.rsendmail.dns.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpfRecordTest {
    @Test
    void versionTag() {
        assertTrue(SpfRecord.isSpf("v=spf1"));
        assertTrue(SpfRecord.isSpf("V=SPF1 -all"));
        assertFalse(SpfRecord.isSpf("v=spf10 -all"));
        assertFalse(SpfRecord.isSpf("v=spf1-all"));
        assertFalse(SpfRecord.isSpf(" v=spf1 -all"));
        assertFalse(SpfRecord.isSpf("v=DKIM1; p=x"));
    }

    @Test
    void everyMechanismQualifierAndModifier() throws Exception {
        SpfRecord r = SpfRecord.parse("v=spf1  ip4:192.0.2.0/24 -ip6:2001:db8::/32 ~a a:mail.example.org/28//64 mx"
                + " ?mx:example.net//48 ptr ptr:example.org include:_spf.example.com exists:%{ir}.x.example.org"
                + " +all redirect=other.example exp=explain.example foo=bar ");
        List<SpfRecord.Directive> d = r.directives();
        assertEquals(11, d.size());
        assertEquals(new SpfRecord.Mechanism.Ip(InetAddress.getByName("192.0.2.0"), 24), d.get(0).mechanism());
        assertEquals(SpfResult.PASS, d.get(0).result());
        assertEquals(new SpfRecord.Mechanism.Ip(InetAddress.getByName("2001:db8::"), 32), d.get(1).mechanism());
        assertEquals(SpfResult.FAIL, d.get(1).result());
        assertEquals(new SpfRecord.Mechanism.A(Optional.empty(), 32, 128), d.get(2).mechanism());
        assertEquals(SpfResult.SOFTFAIL, d.get(2).result());
        assertEquals(new SpfRecord.Mechanism.A(Optional.of("mail.example.org"), 28, 64), d.get(3).mechanism());
        assertEquals(new SpfRecord.Mechanism.Mx(Optional.empty(), 32, 128), d.get(4).mechanism());
        assertEquals(new SpfRecord.Mechanism.Mx(Optional.of("example.net"), 32, 48), d.get(5).mechanism());
        assertEquals(SpfResult.NEUTRAL, d.get(5).result());
        assertEquals(new SpfRecord.Mechanism.Ptr(Optional.empty()), d.get(6).mechanism());
        assertEquals(new SpfRecord.Mechanism.Ptr(Optional.of("example.org")), d.get(7).mechanism());
        assertEquals(new SpfRecord.Mechanism.Include("_spf.example.com"), d.get(8).mechanism());
        assertEquals(new SpfRecord.Mechanism.Exists("%{ir}.x.example.org"), d.get(9).mechanism());
        assertInstanceOf(SpfRecord.Mechanism.All.class, d.get(10).mechanism());
        assertEquals(Optional.of("other.example"), r.redirect());
        assertEquals(Optional.empty(), SpfRecord.parse("v=spf1").redirect());
        assertEquals(List.of(), SpfRecord.parse("v=spf1").directives());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v=spf1 foo", "v=spf1 all:x", "v=spf1 include", "v=spf1 include:", "v=spf1 ip4:192.0.2.0/33",
        "v=spf1 ip4:192.0.2.0/024", "v=spf1 ip4:2001:db8::1", "v=spf1 ip6:192.0.2.1", "v=spf1 ip4:example.org",
        "v=spf1 ip6:::1/129", "v=spf1 a/33", "v=spf1 a//129", "v=spf1 mx:", "v=spf1 exists", "v=spf1 =x",
        "v=spf1 redirect=a.example redirect=b.example", "v=spf1 exp=a.example exp=b.example",
        "v=spf1 include:%{z}.example", "v=spf1 -", "v=spf1 ip4:192.0.2.1/", "v=spf1 ip4:", "v=spf1 a:x%"})
    void syntaxErrorsArePermerrors(String txt) {
        SpfException e = assertThrows(SpfException.class, () -> SpfRecord.parse(txt));
        assertEquals(SpfResult.PERMERROR, e.result, txt);
    }

    @Test
    void cidr() throws Exception {
        InetAddress net = InetAddress.getByName("192.0.2.0");
        assertTrue(Cidr.contains(net, 24, InetAddress.getByName("192.0.2.255")));
        assertFalse(Cidr.contains(net, 24, InetAddress.getByName("192.0.3.0")));
        assertTrue(Cidr.contains(net, 23, InetAddress.getByName("192.0.3.1")));
        assertTrue(Cidr.contains(net, 0, InetAddress.getByName("203.0.113.9")));
        assertFalse(Cidr.contains(net, 0, InetAddress.getByName("2001:db8::1")), "other family");
        assertTrue(Cidr.contains(InetAddress.getByName("2001:db8::"), 33, InetAddress.getByName("2001:db8:7fff::1")));
        assertFalse(Cidr.contains(InetAddress.getByName("2001:db8::"), 33, InetAddress.getByName("2001:db8:8000::1")));
    }
}
