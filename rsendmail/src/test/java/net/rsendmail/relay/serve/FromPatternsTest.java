package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FromPatternsTest {
    private static boolean matches(String list, String client) throws Exception {
        return FromPatterns.parse(list).matches(InetAddress.getByName(client));
    }

    @ParameterizedTest(name = "from=\"{0}\" {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "10.0.0.0/8;              10.1.2.3;        true",
        "10.0.0.0/8;              11.0.0.1;        false",
        "10.0.0.0/8;              9.255.255.255;   false",
        "10.0.0.0/8;              10.255.255.255;  true",
        "192.168.1.0/24;          192.168.1.255;   true",
        "192.168.1.0/24;          192.168.2.0;     false",
        "192.168.1.7/32;          192.168.1.7;     true",
        "192.168.1.7/32;          192.168.1.8;     false",
        "0.0.0.0/0;               203.0.113.9;     true",
        "0.0.0.0/0;               ::1;             false",
        "10.0.0.0/8;              ::ffff:10.1.2.3; true",
        "192.168.1.7;             192.168.1.7;     true",
        "192.168.1.7;             192.168.1.70;    false",
        "192.168.1.*;             192.168.1.70;    true",
        "192.168.1.*;             192.168.10.1;    false",
        "192.168.1.?;             192.168.1.7;     true",
        "192.168.1.?;             192.168.1.70;    false",
        "*;                       198.51.100.1;    true",
        "*;                       2001:db8::1;     true",
        "::1;                     ::1;             true",
        "::1;                     0:0:0:0:0:0:0:1; true",
        "0:0:0:0:0:0:0:1;         ::1;             true",
        "::1;                     ::2;             false",
        "2001:DB8::1;             2001:db8::1;     true",
        "2001:db8::/32;           2001:db8:ffff::1; true",
        "2001:db8::/32;           2001:db9::1;     false",
        "::/0;                    2001:db8::1;     true",
        "::/0;                    127.0.0.1;       false",
        "2001:db8::*;             2001:db8::42;    true",
        "2001:db8::*;             2001:db8:1::42;  false",
        "fe80::?;                 fe80::1;         true",
        "10.0.0.0/8;              10.0.0.1;        true",
        "'!10.0.0.1,10.0.0.0/8';  10.0.0.1;        false",
        "'!10.0.0.1,10.0.0.0/8';  10.0.0.2;        true",
        "'10.0.0.0/8,!10.0.0.1';  10.0.0.1;        false",
        "'!10.0.0.1';             10.0.0.2;        false",
        "'!10.0.0.1';             10.0.0.1;        false",
        "'!10.0.0.0/8,*';         10.9.9.9;        false",
        "'!10.0.0.0/8,*';         11.9.9.9;        true",
        "'1.2.3.4,5.6.7.8';       5.6.7.8;         true",
        "'1.2.3.4,5.6.7.8';       5.6.7.9;         false",
    })
    void table(String list, String client, boolean expected) throws Exception {
        assertEquals(expected, matches(list, client), list + " against " + client);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        ";                     empty pattern",
        ",10.0.0.1;            empty pattern",
        "10.0.0.1,;            empty pattern",
        "!;                    empty pattern",
        "10.0.0.0/33;          prefix length out of range",
        "::/129;               prefix length out of range",
        "10.0.0.0/-1;          bad prefix length",
        "10.0.0.0/+8;          bad prefix length",
        "10.0.0.0/ 8;          bad prefix length",
        "10.0.0.0/;            bad prefix length",
        "10.0.0.0/8/8;         bad prefix length",
        "10.0.0.0/0008;        bad prefix length",
        "/8;                   not a numeric address",
        "localhost;            not a numeric address",
        "cafe;                 not a numeric address",
        "cafe/16;              not a numeric address",
        "face.b00c;            not a numeric address",
        "*.example.org;        host name pattern",
        "mail?.example.org;    host name pattern",
        "10.0.0;               not a numeric address",
        "10.0.0.1.2;           not a numeric address",
        "256.0.0.1;            above 255",
        "999.1.1.1/8;          above 255",
        "010.0.0.1;            not a numeric address",
        "0x0a.0.0.1;           not a numeric address",
        "1:2:3;                not an IPv6 address",
        "fe80::1%eth0;         not a numeric address",
        "[::1];                not a numeric address",
        "' 10.0.0.1';          not a numeric address",
    })
    void refusedPatterns(String list, String message) {
        String l = list == null ? "" : list;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FromPatterns.parse(l));
        assertTrue(e.getMessage().contains(message.strip()), e.getMessage());
        assertTrue(e.getMessage().startsWith("from=: "), e.getMessage());
    }

    @Test
    void globsTakeLinearTimeOnHostileStars() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(false, matches("*".repeat(10_000) + "0", "2001:db8:1:1:1:1:1:1"));
            assertEquals(false, matches("*1".repeat(5_000) + "2", "1111:1111:1111:1111:1111:1111:1111:1111"));
            assertEquals(true, matches("*1".repeat(8) + "*", "1111:1111:1111:1111:1111:1111:1111:1111"));
        });
    }

    @Test
    void keepsTheAdminsTextForTheLog() {
        assertEquals("!10.0.0.1,10.0.0.0/8", FromPatterns.parse("!10.0.0.1,10.0.0.0/8").toString());
    }

    /** A certificate's source-address: addresses and CIDR blocks only (PROTOCOL.certkeys). */
    @ParameterizedTest(name = "source-address {0} {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "10.0.0.0/8,192.0.2.7;     192.0.2.7;   true",
        "10.0.0.0/8,192.0.2.7;     192.0.2.8;   false",
        "2001:db8::/32;            2001:db8::9; true",
        "2001:db8::/32;            192.0.2.1;   false",
    })
    void sourceAddress(String list, String client, boolean expected) throws Exception {
        assertEquals(expected, FromPatterns.sourceAddress(list).matches(InetAddress.getByName(client)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\0', value = {
        "~                         source-address: empty pattern",
        "10.0.0.0/8,~              source-address: empty pattern",
        "!10.0.0.0/8~              source-address:",
        "10.0.0.*~                 source-address:",
        "*~                        source-address:",
        "relay.example.org~        source-address:",
        "10.0.0.0/33~              source-address: prefix length out of range",
        "10.0.0.0/x~               source-address: bad prefix length",
        "10.0.0.0 /8~              source-address:",
    })
    void sourceAddressRefusesPatternsAndNames(String list, String message) {
        String m = assertThrows(IllegalArgumentException.class, () -> FromPatterns.sourceAddress(list == null ? "" : list))
                .getMessage();
        assertTrue(m.startsWith(message.strip()), m);
    }
}
