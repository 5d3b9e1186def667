package net.rsendmail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumericAddressTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "0.0.0.0;                  0.0.0.0",
        "255.255.255.255;          255.255.255.255",
        "127.0.0.1;                127.0.0.1",
        "::;                       ::",
        "::1;                      ::1",
        "0:0:0:0:0:0:0:1;          ::1",
        "2001:DB8:0:0:1:0:0:1;     2001:db8::1:0:0:1",
        "2001:db8:0:1:1:1:1:1;     2001:db8:0:1:1:1:1:1",
        "2001:0db8:0000:0000:0000:0000:0002:0001; 2001:db8::2:1",
        "fe80::;                   fe80::",
        "1:0:0:2:0:0:0:3;          1:0:0:2::3",
        "::ffff:192.0.2.1;         192.0.2.1",
    })
    void parsesLiteralsAndWritesThemAsOpenSshDoes(String in, String text) {
        InetAddress a = NumericAddress.parse(in.strip());
        assertEquals(text.strip(), NumericAddress.text(a));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.org", "cafe", "1.2.3", "1.2.3.4.5", "1.2.3.256", "01.2.3.4",
        "1.2.3.4 ", " 1.2.3.4", "0x7f.0.0.1", "1.2.3.-4", "1..3.4", "127.1", "2130706433", ":", "1:2:3",
        "1:2:3:4:5:6:7:8:9", "::1%lo", "[::1]", "::g", "1.2.3.4:22", "\u0661.2.3.4"})
    void refusesEverythingElseWithoutAskingTheResolver(String in) {
        assertThrows(IllegalArgumentException.class, () -> NumericAddress.parse(in));
    }
}
