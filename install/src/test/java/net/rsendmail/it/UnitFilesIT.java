package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The systemd units of etc/: they point at documentation the tree installed in /opt/rsendmail
 * really has, systemd itself finds nothing wrong with them, and the sshsendmail daemon's unit
 * says what the daemon does on stop and reload.
 */
class UnitFilesIT {
    static final String PREFIX = "file:///opt/rsendmail/";
    static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

    private static List<Path> units() throws IOException {
        try (Stream<Path> s = Files.list(Dist.home().resolve("etc"))) {
            return s.filter(p -> p.toString().endsWith(".service")).sorted().toList();
        }
    }

    /** The values of {@code key=} lines, in order. */
    private static List<String> values(Path unit, String key) throws IOException {
        return Files.readAllLines(unit).stream().filter(l -> l.startsWith(key + "="))
                .map(l -> l.substring(key.length() + 1).trim()).toList();
    }

    @Test
    void everyDocumentationFileOfEveryUnitIsInTheTree() throws IOException {
        List<Path> units = units();
        assertFalse(units.isEmpty());
        for (Path unit : units) {
            List<String> docs = values(unit, "Documentation").stream().flatMap(v -> Stream.of(v.split("\\s+"))).toList();
            assertTrue(docs.stream().anyMatch(d -> d.startsWith(PREFIX)), unit + ": " + docs);
            for (String d : docs) {
                if (d.startsWith(PREFIX)) {
                    Path inTree = Dist.home().resolve(d.substring(PREFIX.length()));
                    assertTrue(Files.isRegularFile(inTree), unit + " names " + d + ", not in the tree as " + inTree);
                }
            }
        }
    }

    /** systemd-analyze verify, on a copy whose /opt/rsendmail is this tree (it checks that ExecStart= exists). */
    @Test
    void systemdFindsNothingWrongWithTheUnits() throws IOException {
        assumeTrue(Files.isExecutable(ANALYZE), "no " + ANALYZE);
        Path dir = Files2.tempDir("it-units");
        try {
            for (Path unit : units()) {
                Path copy = Files2.write(dir.resolve(unit.getFileName()),
                        Files2.read(unit).replace("/opt/rsendmail/", Dist.home() + "/"));
                Proc.Result r = Proc.run(List.of(ANALYZE.toString(), "verify", "--man=no", copy.toString()), null,
                        Duration.ofSeconds(60), null, dir);
                assertEquals(0, r.exit(), r::toString);
                assertEquals("", r.err().strip(), r::toString);
            }
        } finally {
            Files2.deleteTree(dir);
        }
    }

    @Test
    void theDaemonUnitStopsReloadsAndIsConfinedToItsQueue() throws IOException {
        Path unit = Dist.home().resolve("etc/sshsendmail.service");
        assertEquals(List.of("/bin/kill -HUP $MAINPID"), values(unit, "ExecReload"));
        assertEquals(List.of("143"), values(unit, "SuccessExitStatus"));
        assertEquals(List.of("75 78"), values(unit, "RestartPreventExitStatus"));
        assertEquals(List.of("/var/spool/sshsendmail"), values(unit, "ReadWritePaths")); // the default "queue"
        for (String hardening : List.of("NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                "ProtectHome=yes")) {
            assertTrue(Files.readAllLines(unit).contains(hardening), unit + " lacks " + hardening);
        }
    }
}
