package net.rsendmail.client.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class ClientLogTest {
    @TempDir
    Path dir;

    @Test
    void aLogFileIsCreatedPrivateAndRepeatedWarningsAreHeldBack() throws Exception {
        Path file = dir.resolve("client.log");
        ClientLog.init(file.toString(), false, System.err);
        Logger log = ClientLog.get("test");
        for (int i = 0; i < 1000; i++) {
            log.warn("cannot claim {}: permission denied", "X");
        }
        log.warn("cannot claim {}: permission denied", "Y");
        log.info("picked up 1 message(s)");
        log.info("picked up 1 message(s)");
        List<String> lines = Files.readAllLines(file);
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith("WARN cannot claim X: permission denied"), lines.get(0));
        assertTrue(lines.get(1).endsWith("WARN cannot claim Y: permission denied"), lines.get(1));
        assertTrue(lines.get(2).endsWith("INFO picked up 1 message(s)"), "events are not held back");
        assertEquals(0600, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
    }

    @Test
    void verboseShowsDebugLinesOnStderrWhileTheLogFileKeepsItsUsualLines() throws Exception {
        Path file = dir.resolve("client.log");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        ClientLog.init(file.toString(), true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        Logger log = ClientLog.get("test");
        log.debug("relay r <<< 250 2.0.0 ok");
        log.info("id=Q status=sent");
        String shown = err.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(shown.contains("DEBUG relay r <<< 250 2.0.0 ok") && shown.contains("INFO id=Q status=sent"), shown);
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).endsWith("INFO id=Q status=sent"), lines.get(0));
    }

    @Test
    void verboseWithoutALogStillShowsEverythingOnStderr() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        ClientLog.init("none", true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        ClientLog.get("test").debug("relay r >>> DATA");
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("DEBUG relay r >>> DATA"));
    }

    @Test
    void anExistingLogFileKeepsTheModeTheAdminGaveIt() throws Exception {
        Path file = Files.createFile(dir.resolve("client.log"));
        Files.setAttribute(file, "unix:mode", 0640);
        ClientLog.init(file.toString(), false, System.err);
        ClientLog.get("test").warn("hello");
        assertEquals(0640, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
        assertEquals(1, Files.readAllLines(file).size());
    }

    @Test
    void aRepeatIsWrittenAgainAfterTheWindowWithTheCountHeldBack() {
        RepeatFilter f = new RepeatFilter(java.time.Duration.ofMinutes(10));
        assertEquals("a", f.pass("k", 0, "a"));
        assertEquals(null, f.pass("k", 1_000, "a"));
        assertEquals(null, f.pass("k", 599_999, "a"));
        assertEquals("b", f.pass("other", 2_000, "b"));
        assertEquals("a (2 identical lines held back before this one)", f.pass("k", 600_000, "a"));
        assertEquals(null, f.pass("k", 600_001, "a"));
        assertEquals("a (1 identical lines held back before this one)", f.pass("k", 1_300_000, "a"));
        for (int i = 0; i < 300; i++) {
            f.pass("n" + i, 1_300_000, "x"); // only the most recent are remembered
        }
        assertEquals("a", f.pass("k", 1_300_001, "a"));
    }
}
