package net.rsendmail.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import net.rsendmail.client.cli.CommandLine.Mode;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLineParserTest {

    @Test
    void plainRecipients() throws Refusal {
        CommandLine c = CommandLineParser.parse("a@example.org", "b@example.org");
        assertEquals(Mode.SEND, c.mode());
        assertEquals(List.of("a@example.org", "b@example.org"), c.recipients());
        assertNull(c.sender());
        assertFalse(c.ignoreDots());
    }

    @Test
    void whatMuttSends() throws Refusal {
        CommandLine c = CommandLineParser.parse("-oem", "-oi", "-f", "me@example.org", "-N", "failure,delay",
                "-R", "hdrs", "-B8BITMIME", "--", "you@example.org");
        assertTrue(c.ignoreDots());
        assertEquals("me@example.org", c.sender());
        assertEquals(List.of("you@example.org"), c.recipients());
    }

    @Test
    void postfixPipeWithQueueIdAndTheNullSender() throws Refusal {
        CommandLine c = CommandLineParser.parse("--mta=postfix", "-V", "4BCD12F3A", "-f", "", "--", "b@example.org");
        assertEquals(CommandLine.Mode.POSTFIX, c.mode());
        assertEquals("4BCD12F3A", c.envid());
        assertEquals("", c.sender());
        assertEquals("4BCD12F3A", CommandLineParser.parse("--mta=postfix", "-V4BCD12F3A", "--", "b@x.org").envid());
        assertEquals(null, CommandLineParser.parse("--mta=postfix", "-f", "a@x.org", "--", "b@x.org").envid());
    }

    @Test
    void phpStyleGroupedFlags() throws Refusal {
        CommandLine c = CommandLineParser.parse("-ti");
        assertTrue(c.extractRecipients());
        assertTrue(c.ignoreDots());
        assertTrue(c.recipients().isEmpty());
    }

    @Test
    void gluedAndSeparateValues() throws Refusal {
        assertEquals("x@y.org", CommandLineParser.parse("-fx@y.org", "a@b.org").sender());
        assertEquals("x@y.org", CommandLineParser.parse("-r", "x@y.org", "a@b.org").sender());
        assertEquals("Joe Bloggs", CommandLineParser.parse("-F", "Joe Bloggs", "a@b.org").fullName());
        assertEquals("x@y.org", CommandLineParser.parse("-f", "<x@y.org>", "a@b.org").sender());
    }

    @Test
    void nullSender() throws Refusal {
        assertEquals("", CommandLineParser.parse("-f", "<>", "a@b.org").sender());
        assertEquals("", CommandLineParser.parse("-f", "", "a@b.org").sender());
    }

    @Test
    void configFile() throws Refusal {
        assertEquals(Path.of("/etc/x.conf"), CommandLineParser.parse("-C", "/etc/x.conf", "a@b.org").config());
        assertEquals(Path.of("/etc/x.conf"), CommandLineParser.parse("-C/etc/x.conf", "-bp").config());
    }

    @Test
    void modes() throws Refusal {
        assertEquals(Mode.LIST, CommandLineParser.parse("-bp").mode());
        assertEquals(Mode.FLUSH, CommandLineParser.parse("-q").mode());
        assertEquals(Mode.FLUSH, CommandLineParser.parse("-q30m").mode());
        assertEquals(Mode.NEWALIASES, CommandLineParser.parse("-bi").mode());
        assertEquals(Mode.SEND, CommandLineParser.parse("-bm", "a@b.org").mode());
        assertEquals(Mode.DAEMON, CommandLineParser.parse("--daemon").mode());
        assertEquals(Mode.NULLMAILER, CommandLineParser.parse("--nullmailer").mode());
        assertEquals(Mode.VERSION, CommandLineParser.parse("--version").mode());
        CommandLine p = CommandLineParser.parse("--mta=postfix", "-f", "", "--", "a@b.org", "c@d.org");
        assertEquals(Mode.POSTFIX, p.mode());
        assertEquals("", p.sender());
        assertEquals(List.of("a@b.org", "c@d.org"), p.recipients());
    }

    @Test
    void jsonListsTheQueueAndGoesWithNothingElse() throws Refusal {
        assertEquals(Mode.LIST_JSON, CommandLineParser.parse("-bp", "--json").mode());
        assertEquals(Mode.LIST_JSON, CommandLineParser.parse("--json", "-bp").mode());
        for (String[] argv : new String[][] {{"--json"}, {"--json", "a@b.org"}, {"-q", "--json"}, {"--daemon", "--json"},
                {"-bs", "--json"}, {"-bp", "--json", "a@b.org"}}) {
            Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse(argv), String.join(" ", argv));
            assertEquals(64, r.exit().code(), String.join(" ", argv));
        }
    }

    @Test
    void ignoredFlags() throws Refusal {
        CommandLine c = CommandLineParser.parse("-v", "-m", "-n", "-odb", "-oQ/x", "-V", "envid", "a@b.org");
        assertTrue(c.verbose());
        assertEquals(List.of("a@b.org"), c.recipients());
    }

    @Test
    void optionsEndAtFirstRecipient() throws Refusal {
        CommandLine c = CommandLineParser.parse("a@b.org", "-t");
        assertFalse(c.extractRecipients());
        assertEquals(List.of("a@b.org", "-t"), c.recipients()); // refused later as an address
    }

    @ParameterizedTest
    @ValueSource(strings = {"-X", "-Xlogfile", "-O", "-bd", "-bv", "-qR", "-qX", "-d0", "--unknown",
        "--mta=exim", "-G", "-L", "-b", "-o"})
    void refusedWithUsageAndTheWordNamed(String opt) {
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse(opt, "a@b.org"));
        assertEquals(SysExit.USAGE, r.exit());
        assertEquals("5.5.4", r.status());
        assertTrue(r.reason().contains(opt.length() > 2 ? opt.substring(0, 2) : opt), r.reason());
    }

    @Test
    void smtpModeTakesNoRecipientsButTheFlagsFrameworksAdd() throws Refusal {
        assertEquals(Mode.SMTP, CommandLineParser.parse("-bs").mode());
        CommandLine c = CommandLineParser.parse("-oi", "-FWeb Shop", "-bs");
        assertEquals(Mode.SMTP, c.mode());
        assertEquals("Web Shop", c.fullName());
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse("-bs", "a@b.org"));
        assertEquals(SysExit.USAGE, r.exit());
        assertTrue(r.reason().contains("'a@b.org'"), r.reason());
        assertThrows(Refusal.class, () -> CommandLineParser.parse("-bs", "-bp"));
    }

    @Test
    void unknownOptionIsNamed() {
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse("-X", "/tmp/log", "a@b.org"));
        assertTrue(r.line().contains("'-X'"), r.line());
    }

    @Test
    void missingValue() {
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> CommandLineParser.parse("-f")).exit());
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> CommandLineParser.parse("-C")).exit());
    }

    @Test
    void controlCharactersAndHugeWords() {
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class,
                () -> CommandLineParser.parse("a@b.org\nRCPT TO:<x@y>")).exit());
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class,
                () -> CommandLineParser.parse("x".repeat(5000) + "@b.org")).exit());
    }

    @Test
    void conflictingModes() {
        assertThrows(Refusal.class, () -> CommandLineParser.parse("-bp", "-q"));
        assertThrows(Refusal.class, () -> CommandLineParser.parse("--daemon", "--mta=postfix"));
        assertThrows(Refusal.class, () -> CommandLineParser.parse("-bp", "a@b.org"));
        assertThrows(Refusal.class, () -> CommandLineParser.parse("--mta=postfix", "-t", "--", "a@b.org"));
        assertThrows(Refusal.class, () -> CommandLineParser.parse("-f", "a@b.org", "-r", "c@d.org", "x@y.org"));
    }

    @Test
    void helpAndVersionWinOverEveryOtherWordBeforeTheEndOfOptions() throws Refusal {
        assertEquals(Mode.HELP, CommandLineParser.parse("--help").mode());
        assertEquals(Mode.HELP, CommandLineParser.parse("--mta=postfix", "--help").mode());
        assertEquals(Mode.HELP, CommandLineParser.parse("-bp", "-q", "--help").mode(), "even with conflicting modes");
        assertEquals(Mode.HELP, CommandLineParser.parse("-X", "--help").mode(), "even with an unknown option");
        assertEquals(Mode.VERSION, CommandLineParser.parse("--nullmailer", "--version").mode());
        assertEquals(Mode.VERSION, CommandLineParser.parse("--daemon", "--version").mode());
        // after "--" it is a word like any other: here a recipient that is refused later, not help
        assertEquals(List.of("--help"), CommandLineParser.parse("-i", "--", "--help").recipients());
        // -h is sendmail's hop count, not help
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> CommandLineParser.parse("-h")).exit());
    }

    @Test
    void queueOperationsTakeWords() throws Refusal {
        CommandLine r = CommandLineParser.parse("--requeue", "20251122T021300123456Z-0123456789abcdef", "ALL");
        assertEquals(Mode.REQUEUE, r.mode());
        assertEquals(List.of("20251122T021300123456Z-0123456789abcdef", "ALL"), r.recipients());
        assertEquals(Mode.DELETE, CommandLineParser.parse("-C", "/x.conf", "--delete", "ALL").mode());
        assertEquals(Mode.BOUNCE, CommandLineParser.parse("--bounce", "-v", "--", "ALL").mode());
        assertThrows(Refusal.class, () -> CommandLineParser.parse("--delete", "--requeue", "ALL"));
        assertThrows(Refusal.class, () -> CommandLineParser.parse("--delete", "-q"));
    }

    @Test
    void usageIsOneTextWhoseFirstLineIsTheSynopsis() {
        assertTrue(Usage.TEXT.startsWith(Usage.SYNOPSIS + "\n"));
        assertTrue(Usage.TEXT.endsWith("\n"));
        for (String mode : List.of("-bs", "-bp", "-q", "--daemon", "-bi", "--requeue", "--delete", "--bounce", "--mta=postfix",
                "--nullmailer", "--dkim-keygen", "--dkim-record", "--help", "--version", "mailq", "newaliases")) {
            assertTrue(Usage.TEXT.contains(mode), mode);
        }
        for (String line : Usage.TEXT.split("\n")) {
            assertTrue(line.length() <= 110, line);
        }
    }

    @Test
    void doctorTakesASenderRecipientsAConfigAndJson() throws Refusal {
        CommandLine c = CommandLineParser.parse("--doctor", "--json", "-C", "/etc/x.conf", "-f", "a@b.org", "c@d.org");
        assertEquals(Mode.DOCTOR, c.mode());
        assertTrue(c.json());
        assertEquals("a@b.org", c.sender());
        assertEquals(List.of("c@d.org"), c.recipients());
        assertFalse(CommandLineParser.parse("--doctor").json());
    }

    @Test
    void jsonWithRecipientsIsAUsageErrorAndDoctorIsARecipientToSendmail() throws Refusal {
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse("--json", "a@b.org"));
        assertEquals(64, r.exit().code());
        // the launcher turns "sshsendmail doctor" into --doctor; the program itself sees a recipient
        CommandLine c = CommandLineParser.parse("doctor");
        assertEquals(Mode.SEND, c.mode());
        assertEquals(List.of("doctor"), c.recipients());
    }
}
