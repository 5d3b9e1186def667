package net.rsendmail.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LogLineTest {
    @Test
    void logbackLevelsMapToSyslogSeverities() {
        assertEquals(Severity.ERROR, LogAppender.severity(Level.ERROR));
        assertEquals(Severity.WARNING, LogAppender.severity(Level.WARN));
        assertEquals(Severity.INFO, LogAppender.severity(Level.INFO));
        assertEquals(Severity.DEBUG, LogAppender.severity(Level.DEBUG));
        assertEquals(Severity.DEBUG, LogAppender.severity(Level.TRACE));
        assertEquals(3, Severity.ERROR.code());
        assertEquals(4, Severity.WARNING.code());
        assertEquals(6, Severity.INFO.code());
        assertEquals(7, Severity.DEBUG.code());
    }

    @Test
    void aJournalLineCarriesItsPriorityAndTheStreamHeaderTheIdentifierAndFacilityMail() {
        assertEquals("<4>deferred: relay down\n", LogLine.journal(Severity.WARNING, "deferred: relay down"));
        assertEquals("<3>x\n", LogLine.journal(Severity.ERROR, "x"));
        // identifier, unit id, priority (mail.info = 2*8+6), level_prefix, forward to syslog, kmsg, console
        assertEquals("rsendmail\n\n22\n1\n0\n0\n0\n", LogLine.journalHeader("rsendmail"));
    }

    @Test
    void oneMessageIsOneLineInEveryFormat() {
        String hostile = "from=<a@b>\nsshsendmail[1]: INFO status=sent\r\u001b[2J\u2028end";
        String escaped = "from=<a@b>\\x0asshsendmail[1]: INFO status=sent\\x0d\\x1b[2J\\u2028end";
        assertEquals("<6>" + escaped + "\n", LogLine.journal(Severity.INFO, hostile));
        assertEquals("sshsendmail[7]: INFO " + escaped + "\n", LogLine.stderr("sshsendmail", 7, Severity.INFO, hostile));
        assertEquals("1970-01-01T00:00:01.000Z rsendmail[7]: WARN " + escaped + "\n",
                LogLine.file(1000, "rsendmail", 7, Severity.WARNING, hostile));
        assertEquals("<20>rsendmail[7]: " + escaped, LogLine.syslog("rsendmail", 7, Severity.WARNING, hostile));
    }

    @Test
    void aHugeMessageIsCutBelowJournaldsLineMax() {
        String line = LogLine.journal(Severity.INFO, "\u00e9\u0001".repeat(100_000));
        assertEquals(1, line.split("\n", -1).length - 1);
        assertTrue(line.getBytes(StandardCharsets.UTF_8).length < 48 * 1024, "journald splits lines over LineMax");
        assertTrue(line.endsWith("...\n"));
    }

    @Test
    void printableTextIsKeptAsItIs() {
        assertEquals("<6>Grüße to=<a@b>,<c@d> 100%\n", LogLine.journal(Severity.INFO, "Grüße to=<a@b>,<c@d> 100%"));
    }
}
