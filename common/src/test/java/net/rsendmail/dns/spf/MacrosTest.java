package net.rsendmail.dns.spf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The examples of RFC 7208 §7.4. */
class MacrosTest {
    static Macros.Context context(String ip) throws Exception {
        return new Macros.Context(InetAddress.getByName(ip), "strong-bad@email.example.com", "strong-bad",
                "email.example.com", "mx.example.org");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "%{s};                     strong-bad@email.example.com",
        "%{o};                     email.example.com",
        "%{d};                     email.example.com",
        "%{d4};                    email.example.com",
        "%{d3};                    email.example.com",
        "%{d2};                    example.com",
        "%{d1};                    com",
        "%{dr};                    com.example.email",
        "%{d2r};                   example.email",
        "%{l};                     strong-bad",
        "%{l-};                    strong.bad",
        "%{lr};                    strong-bad",
        "%{lr-};                   bad.strong",
        "%{l1r-};                  strong",
        "%{ir}.%{v}._spf.%{d2};    3.2.0.192.in-addr._spf.example.com",
        "%{lr-}.lp._spf.%{d2};     bad.strong.lp._spf.example.com",
        "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}; bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}; 3.2.0.192.in-addr.strong.lp._spf.example.com",
        "%{d2}.trusted-domains.example.net; example.com.trusted-domains.example.net",
        "%{h}.%%.%_.%-;            mx.example.org.%. .%20",
        "%{S};                     strong-bad%40email.example.com",
    })
    void rfc7208Examples(String spec, String expanded) throws Exception {
        assertEquals(expanded, Macros.expand(spec, context("192.0.2.3"), "email.example.com"));
    }

    @org.junit.jupiter.api.Test
    void ipv6Nibbles() throws Exception {
        assertEquals("1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com",
                Macros.expand("%{ir}.%{v}._spf.%{d2}", context("2001:db8::cb01"), "email.example.com"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%", "%{", "%{s", "%{}", "%{x}", "%{c}", "%{t}", "%{d0}", "%{d1000}", "%{s:}", "%x", "a b",
        "\u00e4", "%{sr!}"})
    void badMacrosArePermerrors(String spec) {
        SpfException e = assertThrows(SpfException.class, () -> Macros.check(spec));
        assertEquals(SpfResult.PERMERROR, e.result);
    }

    @org.junit.jupiter.api.Test
    void longExpansionsLoseLabelsOnTheLeft() {
        String d = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".example";
        String t = Macros.truncate(d);
        assertEquals("b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(63) + ".example", t);
    }
}
