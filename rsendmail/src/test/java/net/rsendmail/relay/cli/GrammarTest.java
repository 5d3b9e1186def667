package net.rsendmail.relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrammarTest {

    private static ClientRequest parse(String... words) throws Refusal {
        return Grammar.parse(List.of(words), false);
    }

    @Test
    void recipientsAndSenderForms() throws Refusal {
        ClientRequest r = parse("-f", "a@x.org", "b@y.org", "c@y.org");
        assertEquals("a@x.org", r.sender());
        assertEquals(List.of("b@y.org", "c@y.org"), r.recipients());
        assertEquals("a@x.org", parse("-fa@x.org", "b@y.org").sender());
        assertEquals("a@x.org", parse("-r", "a@x.org", "b@y.org").sender());
        assertEquals("a@x.org", parse("-ra@x.org", "b@y.org").sender());
        assertEquals("a@x.org", parse("-f", "<a@x.org>", "b@y.org").sender());
        assertNull(parse("b@y.org").sender());
        assertEquals(List.of("b@y.org"), parse("<b@y.org>").recipients());
    }

    @Test
    void nullSender() throws Refusal {
        assertTrue(parse("-f", "<>", "b@y.org").nullSender());
        assertTrue(parse("-f", "", "b@y.org").nullSender());
        assertTrue(parse("-f<>", "b@y.org").nullSender());
    }

    @Test
    void flagsThatAreAcceptedOrIgnored() throws Refusal {
        ClientRequest r = parse("-t", "-i", "-oi", "-v", "-odb", "-odi", "-oem", "-oep", "-om", "-R", "hdrs",
                "-N", "success,failure", "-V", "ENV123", "-F", "Cron Daemon", "-FCron", "-Nnever", "-Rfull",
                "-VX1", "--", "b@y.org");
        assertTrue(r.extractRecipients());
        assertEquals(List.of("b@y.org"), r.recipients());
        assertFalse(parse("b@y.org").extractRecipients());
        assertEquals(ClientRequest.Mode.SEND, r.mode());
    }

    @Test
    void lmtpAndVersionStandAlone() throws Refusal {
        assertEquals(ClientRequest.Mode.LMTP, parse("--lmtp").mode());
        assertEquals(ClientRequest.Mode.VERSION, parse("--version").mode());
        assertThrows(Refusal.class, () -> parse("--lmtp", "a@x.org"));
        assertThrows(Refusal.class, () -> parse("-t", "--lmtp"));
        assertThrows(Refusal.class, () -> parse("--version", "-t"));
    }

    @Test
    void bareLocalPartsOnlyWhenThePolicyAllows() throws Refusal {
        assertThrows(Refusal.class, () -> parse("root"));
        assertEquals(List.of("root"), Grammar.parse(List.of("root"), true).recipients());
    }

    @Test
    void programNames() throws Refusal {
        Grammar.checkProgram("rsendmail");
        Grammar.checkProgram("sendmail");
        Grammar.checkProgram("/usr/sbin/sendmail");
        Grammar.checkProgram("/opt/rsendmail/bin/rsendmail");
        for (String bad : List.of("sh", "bash", "scp", "sftp-server", "/usr/lib/openssh/sftp-server", "rsync",
                "sendmail.postfix", "xsendmail", "rsendmailx", "/tmp/../bin/sh", "sendmail/", "/a b/sendmail",
                "\\sendmail", "")) {
            assertThrows(Refusal.class, () -> Grammar.checkProgram(bad), bad);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "-bp", "-bd", "-bi", "-bs", "-bv", "-q", "-q1h", "-qf", "-C/etc/passwd", "-C", "-X/tmp/log", "-X",
        "-O", "-OQueueDirectory=/tmp", "-oQ/tmp", "-oA/etc/aliases", "-d0-99.100", "-d", "-G", "-L", "-h",
        "-B8BITMIME", "-ti", "--config", "--policy", "--help", "--lmtp=1", "-o", "-oo", "-x", "-"
    })
    void refusedOptions(String option) {
        Refusal r = assertThrows(Refusal.class, () -> parse(option, "b@y.org"));
        assertEquals(SysExit.USAGE, r.exit());
        assertTrue(r.reason().contains(option), r.reason());
    }

    @Test
    void refusedValuesAndRecipients() {
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> parse("--", "-bp")).exit());
        assertTrue(assertThrows(Refusal.class, () -> parse("--", "-bp")).reason().contains("-bp"));
        assertThrows(Refusal.class, () -> parse("-f", "-bp", "b@y.org"));
        assertThrows(Refusal.class, () -> parse("-f"));
        assertThrows(Refusal.class, () -> parse("-F", "-q", "b@y.org"));
        assertThrows(Refusal.class, () -> parse("-N", "a\nb", "b@y.org"));
        assertThrows(Refusal.class, () -> parse("-f", "a@x.org", "-f", "c@x.org", "b@y.org"));
        assertThrows(Refusal.class, () -> parse("b@y.org", ""));
        assertThrows(Refusal.class, () -> parse("not an address"));
        assertThrows(Refusal.class, () -> parse("a@x.org b@y.org"));
        assertEquals("5.1.3", assertThrows(Refusal.class, () -> parse("a@@x.org")).status());
        assertEquals("5.1.7", assertThrows(Refusal.class, () -> parse("-f", "bad", "b@y.org")).status());
    }
}
