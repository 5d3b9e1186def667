package net.rsendmail.mtasts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.ZoneServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MtaStsRecordTest {
    @TempDir
    Path dir;

    private static MtaStsRecord ok(String txt) {
        return MtaStsRecord.parse(txt).orElseThrow(() -> new AssertionError("refused: " + txt));
    }

    @Test
    void theRfcExampleAndItsSpacingVariants() {
        assertEquals(new MtaStsRecord("20160831085700Z", Map.of()), ok("v=STSv1; id=20160831085700Z;"));
        assertEquals("abc", ok("v=STSv1;id=abc").id());
        assertEquals("abc", ok("v=STSv1 ;\tid=abc ; ").id());
        assertEquals("abc", ok("v=STSv1;  id=abc;").id());
        assertEquals("A1b2", ok("v=STSv1; id=A1b2").id());
        assertEquals("x".repeat(32), ok("v=STSv1; id=" + "x".repeat(32)).id());
    }

    @Test
    void extensionFieldsAreKeptAndMayComeBeforeTheId() {
        assertEquals(new MtaStsRecord("1", Map.of("ext", "a:b/c", "a.b-c_d", "~!"))
                , ok("v=STSv1; ext=a:b/c; id=1; a.b-c_d=~!"));
        assertEquals("7", ok("v=STSv1; " + "e".repeat(32) + "=1; id=7").id());
    }

    static Stream<String> notRecords() {
        return Stream.of("", "v=STSv1", "v=STSv1;", "v=STSv1; ", "v=STSv2; id=1", "v=stsv1; id=1",
            "V=STSv1; id=1", " v=STSv1; id=1", "id=1; v=STSv1", "v=STSv1 id=1", "v=STSv1;id=1 ",
            "v=STSv1; id=1 x", "v=STSv1; id=", "v=STSv1; id", "v=STSv1; ID=1", "v=STSv1; id=a-b",
            "v=STSv1; id=a b", "v=STSv1; id=" + "x".repeat(33), "v=STSv1; id=1; id=1", "v=STSv1; id=1; id=2",
            "v=STSv1;; id=1", "v=STSv1; id=1;;", "v=STSv1; id=1; v=STSv1", "v=STSv1; id=1; ext=",
            "v=STSv1; id=1; ext==", "v=STSv1; id=1; ext=a=b", "v=STSv1; id=1; =x", "v=STSv1; id=1; _e=1",
            "v=STSv1; id=1; .e=1", "v=STSv1; id=1; e e=1", "v=STSv1; id=1; " + "e".repeat(33) + "=1",
            "v=STSv1; id=1; ext=a\u0000b", "v=STSv1; id=1\u0000", "v=STSv1; id=1; ext=\u00e9",
            "v=STSv1; id=\u0661", "v=STSv1; id=1\n", "v=STSv1; id=1\r\n", "v=STSv1;\u00a0id=1",
            "v=STSv1; ext=1", "v=STSv1x; id=1", "v=spf1 -all", "v=STSv1; id=1; ext=a;b=c d");
    }

    @ParameterizedTest
    @MethodSource("notRecords")
    void everythingElseIsNotARecord(String txt) {
        assertEquals(Optional.empty(), MtaStsRecord.parse(txt), txt);
    }

    @Test
    void nullIsNotARecord() {
        assertEquals(Optional.empty(), MtaStsRecord.parse(null));
    }

    private static Answer<String> found(String... txt) {
        return new Answer.Found<>(List.of(txt), false);
    }

    @Test
    void exactlyOneStsRecordAmongTheTxtRecordsIsFound() {
        assertEquals(new MtaStsRecord.Lookup.Found(new MtaStsRecord("1", Map.of())),
                MtaStsRecord.of(found("v=spf1 -all", "v=STSv1; id=1", "v=STSv1x; id=2", "hello")));
        assertEquals(new MtaStsRecord.Lookup.Found(new MtaStsRecord("1", Map.of())),
                MtaStsRecord.of(found("v=STSv1 ; id=1")));
    }

    @Test
    void noneSeveralOrAnInvalidOneIsNoPolicy() {
        MtaStsRecord.Lookup none = new MtaStsRecord.Lookup.None();
        assertEquals(none, MtaStsRecord.of(found("v=STSv1; id=1", "v=STSv1; id=2")));
        assertEquals(none, MtaStsRecord.of(found("v=STSv1; id=1", "v=STSv1; id=1")));
        // §3.1: an invalid STSv1 record beside a valid one still counts
        assertEquals(none, MtaStsRecord.of(found("v=STSv1; id=1", "v=STSv1; id=bad-id")));
        assertEquals(none, MtaStsRecord.of(found("v=STSv1; id=bad-id")));
        assertEquals(none, MtaStsRecord.of(found("v=spf1 -all", "v=STSv1")));
        assertEquals(none, MtaStsRecord.of(new Answer.NoData<>(true)));
        assertEquals(none, MtaStsRecord.of(new Answer.NxDomain<>(false)));
    }

    @Test
    void aFailedOrBogusLookupIsAFailureNotNoPolicy() {
        assertEquals(new MtaStsRecord.Lookup.Failed("TXT _mta-sts.x: timeout"),
                MtaStsRecord.of(new Answer.Failed<>("TXT _mta-sts.x: timeout")));
        MtaStsRecord.Lookup.Failed bogus = assertInstanceOf(MtaStsRecord.Lookup.Failed.class,
                MtaStsRecord.of(new Answer.Bogus<>("bad signature")));
        assertTrue(bogus.reason().contains("DNSSEC") && bogus.reason().contains("bad signature"), bogus.reason());
    }

    @Test
    void discoverAsksForTheTxtAtUnderscoreMtaSts() throws Exception {
        try (ZoneServer z = new ZoneServer(false, "_mta-sts.sts.test. TXT \"v=STSv1; \" \"id=20240101\"",
                "_mta-sts.two.test. TXT \"v=STSv1; id=1\"", "_mta-sts.two.test. TXT \"v=STSv1; id=2\"",
                "_mta-sts.other.test. TXT \"v=spf1 -all\"")) {
            DnsResolver dns = resolver(z);
            assertEquals(new MtaStsRecord.Lookup.Found(new MtaStsRecord("20240101", Map.of())),
                    MtaStsRecord.discover(dns, "STS.test."));
            assertEquals(new MtaStsRecord.Lookup.None(), MtaStsRecord.discover(dns, "two.test"));
            assertEquals(new MtaStsRecord.Lookup.None(), MtaStsRecord.discover(dns, "other.test"));
            assertEquals(new MtaStsRecord.Lookup.None(), MtaStsRecord.discover(dns, "absent.test"));
            assertInstanceOf(MtaStsRecord.Lookup.Failed.class, MtaStsRecord.discover(dns, "x.refused.test"));
            for (String bad : new String[] {"", ".", "a..test", "a test", "-a.test", "\u00e9.test", "a.test\n"}) {
                MtaStsRecord.Lookup.Failed f = assertInstanceOf(MtaStsRecord.Lookup.Failed.class,
                        MtaStsRecord.discover(dns, bad), bad);
                assertTrue(f.reason().matches("[^\\p{Cc}\\p{Cf}]*"), f.reason());
            }
        }
    }

    private DnsResolver resolver(ZoneServer z) throws Exception {
        Path anchor = Files.writeString(dir.resolve("anchor"), "anchor.invalid. 3600 IN DS 12345 13 2 "
                + "0123456789abcdef".repeat(4) + "\n");
        return DnsResolver.open(new DnsSettings(List.of(z.address()), Duration.ofSeconds(2), anchor));
    }
}
