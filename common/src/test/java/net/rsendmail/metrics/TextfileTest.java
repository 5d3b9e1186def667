package net.rsendmail.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.rsendmail.metrics.Textfile.Family;
import net.rsendmail.metrics.Textfile.Sample;
import net.rsendmail.metrics.Textfile.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextfileTest {
    @TempDir
    Path dir;

    static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void formatsHelpTypeAndSamples() {
        assertEquals("# HELP a_total Things done.\n# TYPE a_total counter\na_total 3\n"
                        + "# HELP b Now, a \\\\ and\\nmore.\n# TYPE b gauge\nb{k=\"v\",q=\"a\\\"b\\\\c\\nd\"} 0.5\n",
                Textfile.format(List.of(Family.of("a_total", "Things done.", Type.COUNTER, 3),
                        new Family("b", "Now, a \\ and\nmore.", Type.GAUGE,
                                List.of(new Sample(labels("k", "v", "q", "a\"b\\c\nd"), 0.5))))));
    }

    @Test
    void integersAreWrittenWithoutAnExponent() {
        assertEquals("# HELP t t\n# TYPE t gauge\nt 1764633600\n",
                Textfile.format(List.of(Family.of("t", "t", Type.GAUGE, 1764633600L))));
    }

    @Test
    void namesOutsideTheExpositionGrammarAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Family.of("9a", "h", Type.GAUGE, 1));
        assertThrows(IllegalArgumentException.class, () -> Family.of("a-b", "h", Type.GAUGE, 1));
        assertThrows(IllegalArgumentException.class, () -> Family.of("", "h", Type.GAUGE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Sample(labels("a b", "x"), 1));
        assertThrows(IllegalArgumentException.class, () -> new Sample(labels("a\nb", "x"), 1));
    }

    @Test
    void writeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
        Path f = dir.resolve("x.prom");
        Files.writeString(f, "old\n");
        Textfile.write(f, List.of(Family.of("a_total", "A.", Type.COUNTER, 7),
                new Family("r_total", "R.", Type.COUNTER, List.of(new Sample(labels("exit", "77", "status", "5.7.1"), 2)))));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(f), s.toList());
        }
        assertEquals(Map.of("a_total", 7L, "r_total{exit=\"77\",status=\"5.7.1\"}", 2L), Textfile.readIntegers(f));
        assertEquals("r_total{exit=\"77\",status=\"5.7.1\"}", Textfile.key("r_total", labels("exit", "77", "status", "5.7.1")));
    }

    @Test
    void readingSkipsWhatItDidNotWrite() throws Exception {
        Path f = dir.resolve("y.prom");
        assertEquals(Map.of(), Textfile.readIntegers(f), "missing: nothing carried on");
        Files.writeString(f, "# HELP a_total x\na_total 5\nb 1.5\nc -1\nd 99999999999999999999\ne{x=\"}\"} 1\n"
                + "f 1 1764633600000\n g 2\nh  3\n");
        assertEquals(Map.of("a_total", 5L), Textfile.readIntegers(f));
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsAnError() {
        assertThrows(java.io.IOException.class, () -> Textfile.write(dir.resolve("no/such/x.prom"),
                List.of(Family.of("a", "A.", Type.GAUGE, 1))));
    }
}
