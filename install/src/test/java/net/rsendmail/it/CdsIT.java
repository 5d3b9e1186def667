package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The relay's class-data-sharing archive (lib/rsendmail.jsa, made by the build): used in place,
 * left out when it does not fit (tree moved, another Java), ignored silently by the JVM when
 * unreadable, rebuilt by {@code bin/rsendmail --regenerate-cds}. Real Java, a stub sendmail, no sshd.
 */
class CdsIT {

    static Path work;
    static Path config;
    static RecordingSendmail stub;

    @BeforeAll
    static void setUp() throws IOException {
        assumeFalse(Boolean.getBoolean("rsendmail.cds.skip"), "built without the archive");
        work = Files2.tempDir("it-cds");
        stub = new RecordingSendmail(work.resolve("stub"));
        Files.createDirectories(work.resolve("state"));
        config = new RelayConfig()
                .set("sendmail", stub.path())
                .set("log", work.resolve("rsendmail.log"))
                .set("state_dir", work.resolve("state"))
                .set("spool_dir", work)
                .write(work.resolve("rsendmail.conf"));
    }

    @AfterAll
    static void tearDown() {
        Files2.deleteTree(work);
    }

    /** Runs one send through the launcher, logging class loading to a file; returns the result and the log. */
    static Proc.Result send(Path home, Path classLog) {
        return Proc.run(List.of(home.resolve("bin/rsendmail").toString(), "--config", config.toString()),
                Messages.plain("a@example.org", "b@example.org", "cds"), Duration.ofSeconds(60),
                Map.of("SSH_ORIGINAL_COMMAND", "rsendmail -f a@example.org -- b@example.org",
                        "RSENDMAIL_JAVA_OPTS", "-Xlog:class+load=info:file=" + classLog),
                work);
    }

    static String mainSource(Path classLog) throws IOException {
        return Files.readAllLines(classLog).stream()
                .filter(l -> l.contains(" net.rsendmail.relay.Main source: "))
                .findFirst().orElseThrow(() -> new AssertionError("Main not loaded?"));
    }

    static void assertSilentSuccess(Proc.Result r) {
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        assertEquals("", r.err(), r::toString);
    }

    @Test
    void theBuiltArchiveIsUsedInPlace() throws IOException {
        assertTrue(Files.isRegularFile(Dist.home().resolve("lib/rsendmail.jsa")), "no archive in the built tree");
        Path classLog = work.resolve("in-place.txt");
        assertSilentSuccess(send(Dist.home(), classLog));
        assertTrue(mainSource(classLog).endsWith("source: shared objects file"), mainSource(classLog));
    }

    @Test
    void aMovedTreeIgnoresItsStaleArchiveSilentlyUntilRegenerated() throws IOException {
        Path moved = work.resolve("moved/rsendmail");
        Files2.copyTree(Dist.home(), moved);
        Path classLog = work.resolve("moved.txt");
        assertSilentSuccess(send(moved, classLog));
        assertTrue(mainSource(classLog).contains("source: file:" + moved.resolve("lib")), mainSource(classLog));

        Proc.Result regen = Proc.run(List.of(moved.resolve("bin/rsendmail").toString(), "--regenerate-cds"), null,
                Duration.ofSeconds(120), Map.of(), work);
        assertEquals(0, regen.exit(), regen::toString);
        assertEquals("", regen.out(), regen::toString);
        Path again = work.resolve("regenerated.txt");
        assertSilentSuccess(send(moved, again));
        assertTrue(mainSource(again).endsWith("source: shared objects file"), mainSource(again));

        // as after a Java update: the java binary's mtime no longer matches
        Files.setLastModifiedTime(moved.resolve("lib/rsendmail.jsa.id"),
                java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L));
        Path javaChanged = work.resolve("java-changed.txt");
        assertSilentSuccess(send(moved, javaChanged));
        assertTrue(mainSource(javaChanged).contains("source: file:"), mainSource(javaChanged));
    }

    @Test
    void anUnusableArchiveIsIgnoredSilently() throws IOException {
        Path copy = work.resolve("broken/rsendmail");
        Files2.copyTree(Dist.home(), copy);
        Proc.Result regen = Proc.run(List.of(copy.resolve("bin/rsendmail").toString(), "--regenerate-cds"), null,
                Duration.ofSeconds(120), Map.of(), work);
        assertEquals(0, regen.exit(), regen::toString);
        Path jsa = copy.resolve("lib/rsendmail.jsa");
        Files2.chmod(jsa, "rw-r--r--");
        for (byte[] content : List.of(new byte[0], "not an archive at all".repeat(100).getBytes())) {
            Files.write(jsa, content);
            Path classLog = work.resolve("broken.txt");
            assertSilentSuccess(send(copy, classLog));
            assertTrue(mainSource(classLog).contains("source: file:"), mainSource(classLog));
        }
    }
}
