package net.rsendmail.mtasts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.rsendmail.mtasts.MtaStsPolicy.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class MtaStsPolicyTest {
    private static final String RFC_EXAMPLE = "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
            + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n";

    private static MtaStsPolicy ok(String body) {
        MtaStsPolicy.Parsed p = MtaStsPolicy.parse(body);
        return assertInstanceOf(MtaStsPolicy.Parsed.Ok.class, p, () -> show(body) + " -> " + p).policy();
    }

    private static String bad(String body) {
        MtaStsPolicy.Parsed p = MtaStsPolicy.parse(body);
        String reason = assertInstanceOf(MtaStsPolicy.Parsed.Bad.class, p, () -> show(body) + " -> " + p).reason();
        assertTrue(reason.matches("[^\\p{Cc}\\p{Cf}]+"), reason);
        return reason;
    }

    private static String show(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    @Test
    void theRfcExample() {
        assertEquals(new MtaStsPolicy(Mode.ENFORCE, List.of("mail.example.com", "*.example.net", "backupmx.example.com"),
                Duration.ofSeconds(604800)), ok(RFC_EXAMPLE));
    }

    @Test
    void lfLinesNoFinalEndingExtensionsAnyOrderAndSpacing() {
        assertEquals(new MtaStsPolicy(Mode.TESTING, List.of("mx.example.com"), Duration.ofSeconds(86400)),
                ok("max_age:86400\nmx:\t MX.Example.COM \t\nnote: hello, wörld 🙂 x\nmode: testing\nversion: STSv1"));
        assertEquals(new MtaStsPolicy(Mode.NONE, List.of(), Duration.ZERO), ok("version: STSv1\nmode: none\nmax_age: 0\n"));
        assertEquals(List.of("a.example"), ok("version: STSv1\nmode: none\nmax_age: 0\nmx: a.example\n").mx());
        assertEquals(Duration.ofSeconds(31557600), ok("version: STSv1\nmode: none\nmax_age: 0031557600\n").maxAge());
        assertEquals(List.of("a.example", "a.example"),
                ok("version: STSv1\nmode: testing\nmax_age: 1\nmx: a.example\nmx: a.example\n").mx());
        assertEquals(Mode.ENFORCE, ok("version: STSv1\nmode: enforce\nmax_age: 1\nmx: localhost\nmx: *.com\n"
                + "a" + "b".repeat(31) + ": x\nx-y_z.1: y\n9: z\n").mode());
        // blank lines only at the end
        assertEquals(Mode.NONE, ok("version: STSv1\nmode: none\nmax_age: 1\n\n\r\n\n").mode());
    }

    static Stream<String> hostile() {
        String base = "version: STSv1\nmode: enforce\nmax_age: 86400\n";
        return Stream.of(
                // missing or repeated required fields
                "", "\n", "mode: enforce\nmax_age: 1\nmx: a.example\n", "version: STSv1\nmax_age: 1\nmx: a.example\n",
                "version: STSv1\nmode: enforce\nmx: a.example\n", base, "version: STSv1\nmode: testing\nmax_age: 1\n",
                base + "mx: a.example\nversion: STSv1\n", base + "mx: a.example\nmode: enforce\n",
                base + "mx: a.example\nmax_age: 86400\n",
                // wrong values and case
                "version: STSv2\nmode: enforce\nmax_age: 1\nmx: a.example\n", "Version: STSv1\nmode: none\nmax_age: 1\n",
                "version: stsv1\nmode: none\nmax_age: 1\n", "version: STSv1\nmode: Enforce\nmax_age: 1\nmx: a.example\n",
                "version: STSv1\nmode: report\nmax_age: 1\nmx: a.example\n", "version: STSv1\nMODE: none\nmax_age: 1\n",
                "version: STSv1 x\nmode: none\nmax_age: 1\n",
                // max_age
                "version: STSv1\nmode: none\nmax_age: -1\n", "version: STSv1\nmode: none\nmax_age: +1\n",
                "version: STSv1\nmode: none\nmax_age: 31557601\n", "version: STSv1\nmode: none\nmax_age: 99999999999\n",
                "version: STSv1\nmode: none\nmax_age: 9999999999\n", "version: STSv1\nmode: none\nmax_age: 1e3\n",
                "version: STSv1\nmode: none\nmax_age: 0x10\n", "version: STSv1\nmode: none\nmax_age: 1 d\n",
                "version: STSv1\nmode: none\nmax_age: 86400s\n", "version: STSv1\nmode: none\nmax_age: \u0661\n",
                "version: STSv1\nmode: none\nmax_age:\n", "version: STSv1\nmode: none\nmax_age: 1.5\n",
                // syntax: keys, delimiters, blank lines, controls
                "version : STSv1\nmode: none\nmax_age: 1\n", " version: STSv1\nmode: none\nmax_age: 1\n",
                "version STSv1\nmode: none\nmax_age: 1\n", "version=STSv1\nmode: none\nmax_age: 1\n",
                "version: STSv1\n\nmode: none\nmax_age: 1\n", "\nversion: STSv1\nmode: none\nmax_age: 1\n",
                "version: STSv1\n \nmode: none\nmax_age: 1\n", "version: STSv1\nmode: none\nmax_age: 1\n ",
                "version: STSv1\rmode: none\rmax_age: 1\r", "version: STSv1\nmode: none\nmax_age: 1\r",
                "version: STSv1\nmode: none\nmax_age: 1\r\r\n", "version: STSv1\nmode: none\u0000\nmax_age: 1\n",
                "version: STSv1\nmode: none\nmax_age: 1\n\u0000\n", "version: STSv1\nmode: none\nmax_age: 1\nx: \u0000\n",
                "version: STSv1\nmode: none\nmax_age: 1\nx: a\u0007b\n", "version: STSv1\nmode: none\nmax_age: 1\nx: a\u0085b\n",
                "version: STSv1\nmode: none\nmax_age: 1\nx: a\u007fb\n", "version: STSv1\nmode: none\nmax_age: 1\nx:\n",
                "version: STSv1\nmode: none\nmax_age: 1\nx:  \n", "version: STSv1\nmode: none\nmax_age: 1\nx: a\tb\n",
                "version: STSv1\nmode: none\nmax_age: 1\n_x: 1\n", "version: STSv1\nmode: none\nmax_age: 1\n-x: 1\n",
                "version: STSv1\nmode: none\nmax_age: 1\n" + "a".repeat(33) + ": 1\n",
                "version: STSv1\nmode: none\nmax_age: 1\nk\u00e9y: 1\n", "version: STSv1\nmode: none\nmax_age: 1\n: x\n",
                "version: STSv1\nmode: none\nmax_age: 1\nx: \ud800\n", "\ufeffversion: STSv1\nmode: none\nmax_age: 1\n",
                "version: STSv1\u00a0\nmode: none\nmax_age: 1\n", "version:\u3000STSv1\nmode: none\nmax_age: 1\n",
                // mx patterns: non-ASCII and wildcard abuse
                base + "mx: mx.ex\u00e4mple.com\n", base + "mx: xn--mx-\u00e4.com\n", base + "mx: *\n", base + "mx: *.\n",
                base + "mx: **.example.com\n", base + "mx: a.*.example.com\n", base + "mx: *example.com\n",
                base + "mx: *.*.example.com\n", base + "mx: mx.*\n", base + "mx: .example.com\n",
                base + "mx: mx.example.com.\n", base + "mx: mx..example.com\n", base + "mx: -mx.example.com\n",
                base + "mx: mx-.example.com\n", base + "mx: mx_1.example.com\n", base + "mx: mx example.com\n",
                base + "mx: [192.0.2.1]\n", base + "mx: mx.example.com:25\n", base + "mx: *.example.com*\n",
                base + "mx: " + "a".repeat(64) + ".example\n", base + "mx: " + "a.".repeat(126) + "ab\n",
                base + "mx: mx.example.com, mx2.example.com\n", base + "mx: a.example\nmx: *.\n");
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileOrMalformedBodiesAreRefusedWithAPrintableReason(String body) {
        bad(body);
    }

    @Test
    void reasonsSayWhatIsWrong() {
        assertEquals("no mx (required unless mode is none)", bad("version: STSv1\nmode: enforce\nmax_age: 1\n"));
        assertEquals("line 4: version given twice", bad("version: STSv1\nmode: none\nmax_age: 1\nversion: STSv1\n"));
        assertEquals("line 3: max_age must be 0 to 31557600 seconds", bad("version: STSv1\nmode: none\nmax_age: -1\n"));
        assertEquals("line 2: not 'key: value'", bad("version: STSv1\nmode\u0000: none\n"));
        assertEquals("line 4: mx '*.' is not a host name or *.domain",
                bad("version: STSv1\nmode: testing\nmax_age: 1\nmx: *.\n"));
    }

    @Test
    void longestNamesAndBodyAreAcceptedOneMoreIsNot() {
        String label = "a".repeat(63);
        String name = label + "." + label + "." + label + "." + "a".repeat(61); // 253
        String head = "version: STSv1\nmode: enforce\nmax_age: 1\nmx: " + name + "\n";
        assertEquals(List.of(name), ok(head).mx());
        bad("version: STSv1\nmode: enforce\nmax_age: 1\nmx: " + name + "a\n");
        String pad = "x: " + "y".repeat(MtaStsPolicy.MAX_BYTES - head.length() - 4) + "\n";
        assertEquals(MtaStsPolicy.MAX_BYTES, (head + pad).length());
        ok(head + pad);
        assertEquals("policy longer than 64 KiB", bad(head + pad + "\n"));
        // counted in UTF-8 bytes: ä is two
        assertEquals("policy longer than 64 KiB", bad(head + pad.substring(0, pad.length() - 2) + "ä\n"));
        assertEquals("policy longer than 64 KiB", bad(head + "x: " + "y".repeat(10 * MtaStsPolicy.MAX_BYTES) + "\n"));
    }

    @Test
    void bytesMustBeUtf8() {
        byte[] good = "version: STSv1\nmode: none\nmax_age: 1\nnote: \u00e9t\u00e9\n".getBytes(StandardCharsets.UTF_8);
        assertInstanceOf(MtaStsPolicy.Parsed.Ok.class, MtaStsPolicy.parse(good));
        byte[] latin1 = "version: STSv1\nmode: none\nmax_age: 1\nnote: \u00e9t\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(new MtaStsPolicy.Parsed.Bad("policy is not UTF-8"), MtaStsPolicy.parse(latin1));
        byte[] overlong = {'v', 0xc0 - 256, 0xae - 256};
        assertEquals(new MtaStsPolicy.Parsed.Bad("policy is not UTF-8"), MtaStsPolicy.parse(overlong));
        assertEquals(new MtaStsPolicy.Parsed.Bad("policy longer than 64 KiB"),
                MtaStsPolicy.parse(new byte[MtaStsPolicy.MAX_BYTES + 1]));
    }

    private static final MtaStsPolicy POLICY = new MtaStsPolicy(Mode.ENFORCE,
            List.of("mail.example.com", "*.example.net"), Duration.ofDays(1));

    @ParameterizedTest
    @ValueSource(strings = {"mail.example.com", "MAIL.Example.COM", "mail.example.com.", "mx.example.net",
            "MX1.EXAMPLE.NET.", "a.example.net", "0.example.net", "a-b.example.net"})
    void matchingHosts(String host) {
        assertTrue(POLICY.matches(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.net", "example.net.", ".example.net", "a.b.example.net", "x.mail.example.com",
            "example.com", "ail.example.com", "mail.example.com..", "mail.example.co", "amail.example.com",
            "*.example.net", "a*.example.net", "mxexample.net", "mx.example.net.evil", "mx.example.netx", "",
            ".", "..example.net", "a..example.net", "mx_1.example.net", "m\u00e4il.example.com", "mail.example.com\n",
            "mail.example.com ", " mail.example.com", "-a.example.net", "a-.example.net"})
    void otherHostsDoNotMatch(String host) {
        assertFalse(POLICY.matches(host), host);
    }

    @Test
    void aWildcardMatchesOneLabelOfAnyValidLength() {
        MtaStsPolicy p = ok("version: STSv1\nmode: enforce\nmax_age: 1\nmx: *.Example.NET\n");
        assertEquals(List.of("*.example.net"), p.mx());
        assertTrue(p.matches("a".repeat(63) + ".example.net"));
        assertFalse(p.matches("a".repeat(64) + ".example.net"));
        assertFalse(new MtaStsPolicy(Mode.ENFORCE, List.of(), Duration.ZERO).matches("mail.example.com"));
    }
}
