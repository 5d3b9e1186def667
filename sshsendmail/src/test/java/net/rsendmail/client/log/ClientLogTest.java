package net.rsendmail.client.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class ClientLogTest {
    @TempDir
    Path dir;

    @Test
    void aLogFileIsCreatedPrivateAndRepeatedWarningsAreHeldBack() throws Exception {
        Path file = dir.resolve("client.log");
        ClientLog.init(file(file), false, System.err);
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
        ClientLog.init(file(file), true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
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
    void verboseWithoutALogStillShowsEverythingOnStderr() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        ClientLog.init(LogSetting.of(LogTarget.NONE), true, new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        ClientLog.get("test").debug("relay r >>> DATA");
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("DEBUG relay r >>> DATA"));
    }

    @Test
    void anExistingLogFileKeepsTheModeTheAdminGaveIt() throws Exception {
        Path file = Files.createFile(dir.resolve("client.log"));
        Files.setAttribute(file, "unix:mode", 0640);
        ClientLog.init(file(file), false, System.err);
        ClientLog.get("test").warn("hello");
        assertEquals(0640, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
        assertEquals(1, Files.readAllLines(file).size());
    }

    @Test
    void aLogFileInAMissingDirectoryIsRefusedAtStartNamingTheConfigLine() throws Exception {
        Path conf = dir.resolve("sshsendmail.conf");
        Refusal r = assertThrows(Refusal.class, () -> ClientLog.init(
                setting(conf, "# log\nlog " + dir.resolve("gone/client.log") + "\n"), false, System.err));
        assertEquals(SysExit.CONFIG, r.exit());
        assertEquals("configuration: " + conf + ":2: log " + dir.resolve("gone/client.log")
                + ": cannot write to it: No such file or directory", r.reason());
    }

    @Test
    void anExplicitJournalWithoutJournaldIsRefusedAtStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(LogTarget.JOURNAL_SOCKET), "journald runs here");
        Path conf = dir.resolve("sshsendmail.conf");
        Refusal r = assertThrows(Refusal.class, () -> ClientLog.init(setting(conf, "log journal\n"), false, System.err));
        assertEquals(SysExit.CONFIG, r.exit());
        assertTrue(r.reason().startsWith("configuration: " + conf + ":1: log journal: cannot connect to "
                + LogTarget.JOURNAL_SOCKET + ": "), r.reason());
    }

    private static LogSetting file(Path file) {
        return LogSetting.of(new LogTarget.File(file));
    }

    private static LogSetting setting(Path conf, String text) throws Exception {
        List<ConfigFile.Entry> entries = ConfigFile.parse(conf, text);
        return LogSetting.parse(entries.get(entries.size() - 1));
    }
}
