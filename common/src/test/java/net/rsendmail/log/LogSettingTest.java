package net.rsendmail.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogSettingTest {
    @TempDir
    Path dir;

    @Test
    void theWordsOfTheLogLine() throws Exception {
        assertEquals(LogTarget.JOURNAL, parse("log journal").target());
        assertEquals(LogTarget.SYSLOG, parse("log syslog").target());
        assertEquals(LogTarget.STDERR, parse("log stderr").target());
        assertEquals(LogTarget.NONE, parse("log none").target());
        assertEquals(new LogTarget.File(Path.of("/var/log/x.log")), parse("log /var/log/x.log").target());
        assertEquals(2, parse("log journal").line());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("log journald"));
        assertEquals(dir.resolve("c.conf") + ":2: log: expected journal, syslog, stderr, none or an absolute file name,"
                + " got 'journald'", e.getMessage());
        assertThrows(ConfigException.class, () -> parse("log var/log/x.log"));
        assertThrows(ConfigException.class, () -> parse("log /a /b"));
    }

    @Test
    void theDefaultIsTheJournalWhereJournaldListens() {
        LogTarget expected = Files.exists(LogTarget.JOURNAL_SOCKET) ? LogTarget.JOURNAL : LogTarget.SYSLOG;
        assertEquals(expected, LogSetting.byDefault(LogTarget.SYSLOG).target());
    }

    @Test
    void aFileThatCannotBeWrittenIsAConfigErrorAtOpenNamingTheLine() throws Exception {
        Path file = dir.resolve("no-such-dir/relay.log");
        ConfigException e = assertThrows(ConfigException.class, () -> parse("log " + file).open("rsendmail", System.err));
        assertEquals(dir.resolve("c.conf") + ":2: log " + file + ": cannot write to it: No such file or directory",
                e.getMessage());
    }

    @Test
    void aFileIsCreatedPrivateAtOpenAndGetsOneLinePerMessage() throws Exception {
        Path file = dir.resolve("relay.log");
        try (LogSink s = parse("log " + file).open("rsendmail", System.err)) {
            assertEquals(0600, (Integer) Files.getAttribute(file, "unix:mode") & 07777);
            s.write(0, Severity.WARNING, "a\nb");
            s.write(0, Severity.INFO, "c");
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("1970-01-01T00:00:00.000Z rsendmail\\[\\d+\\]: WARN a\\\\x0ab"), lines.get(0));
    }

    @Test
    void anExplicitJournalWithoutJournaldIsAConfigError() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(LogTarget.JOURNAL_SOCKET), "journald runs here");
        ConfigException e = assertThrows(ConfigException.class, () -> parse("log journal").open("rsendmail", System.err));
        assertTrue(e.getMessage().startsWith(dir.resolve("c.conf") + ":2: log journal: cannot connect to "
                + LogTarget.JOURNAL_SOCKET + ": "), e.getMessage());
    }

    private LogSetting parse(String line) throws ConfigException {
        List<ConfigFile.Entry> entries = ConfigFile.parse(dir.resolve("c.conf"), "# where lines go\n" + line + "\n");
        return LogSetting.parse(entries.get(0));
    }
}
