package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DnsNameTest {
    @ParameterizedTest
    @CsvSource({
        "example.org,            example.org",
        "Example.ORG.,           example.org",
        "_25._tcp.mx.example.org, _25._tcp.mx.example.org",
        "sel._domainkey.a-b.org, sel._domainkey.a-b.org",
        "localhost,              localhost",
        "1.2.3.4.in-addr.arpa,   1.2.3.4.in-addr.arpa",
    })
    void acceptsHostAndServiceNames(String in, String text) {
        assertEquals(text, DnsName.text(DnsName.parse(in)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a..b", ".a", "a b", "a\\.b", "a\\000b", "a\tb", "a\nb", "exa mple.org",
        "*.example.org", "a/b", "a@b", "ex\u00e4mple.org", "a;b", "$(id)", "-", "a:b", "a,b", "-a.org", "a-.org",
        "a.-b", "a.b-", "a.b-."})
    void refusesEverythingElse(String in) {
        assertNull(DnsName.parse(in), in);
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 100})
    void refusesLongLabels(int n) {
        assertNull(DnsName.parse("a".repeat(n) + ".org"));
        assertEquals("a".repeat(63) + ".org", DnsName.text(DnsName.parse("a".repeat(63) + ".org")));
    }

    @org.junit.jupiter.api.Test
    void refusesLongNames() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + "a".repeat(61); // 253
        assertEquals(name, DnsName.text(DnsName.parse(name)));
        assertNull(DnsName.parse(name + "a"));
        assertNull(DnsName.parse(null));
    }
}
