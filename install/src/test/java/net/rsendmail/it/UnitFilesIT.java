package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The systemd units of etc/ point at documentation the tree installed in /opt/rsendmail really has. */
class UnitFilesIT {
    static final String PREFIX = "file:///opt/rsendmail/";

    @Test
    void everyDocumentationFileOfEveryUnitIsInTheTree() throws IOException {
        List<Path> units;
        try (Stream<Path> s = Files.list(Dist.home().resolve("etc"))) {
            units = s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        }
        assertFalse(units.isEmpty());
        for (Path unit : units) {
            List<String> docs = Files.readAllLines(unit).stream().filter(l -> l.startsWith("Documentation="))
                    .flatMap(l -> Stream.of(l.substring("Documentation=".length()).trim().split("\\s+"))).toList();
            assertTrue(docs.stream().anyMatch(d -> d.startsWith(PREFIX)), unit + ": " + docs);
            for (String d : docs) {
                if (d.startsWith(PREFIX)) {
                    Path inTree = Dist.home().resolve(d.substring(PREFIX.length()));
                    assertTrue(Files.isRegularFile(inTree), unit + " names " + d + ", not in the tree as " + inTree);
                }
            }
        }
    }
}
