package net.rsendmail.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile SSH_ORIGINAL_COMMANDs, each through the whole relay with a real recording sendmail:
 * refused with EX_USAGE, one line on stderr that names the offending word, a log line, and the
 * MTA never runs.
 */
class HostileCommandTest {
    private static final String MSG = "From: a@example.org\nTo: b@example.org\nSubject: x\n\nhello\n";

    /** A hostile command and a piece of the word the refusal line must name. */
    record Case(String command, String named) {
        @Override
        public String toString() {
            return command.replace("\n", "\\n").replace("\r", "\\r").replace("\0", "\\0");
        }
    }

    static List<Case> corpus() {
        List<Case> c = new ArrayList<>();
        // Option injection: sendmail features that must never reach the MTA.
        for (String opt : List.of("-bp", "-bd", "-bi", "-bs", "-bt", "-bv", "-bD", "-bh", "-bH", "-q", "-q1m",
                "-qf", "-qRexample.org", "-qIabc", "-C/etc/passwd", "-C", "-X/tmp/traffic", "-X", "-O",
                "-OQueueDirectory=/tmp", "-oQ/tmp", "-oA/tmp/aliases", "-oL99", "-d0-99.100", "-d", "-G", "-L",
                "-h", "-Am", "-B8BITMIME", "-ti", "-oi-bp")) {
            c.add(new Case("sendmail " + opt + " b@example.org", opt.substring(0, 2)));
        }
        // Trusted-only and unknown long options sent by the client.
        c.add(new Case("rsendmail --config /tmp/evil.conf b@example.org", "--config"));
        c.add(new Case("rsendmail --config=/tmp/evil.conf b@example.org", "--config"));
        c.add(new Case("rsendmail --policy admin b@example.org", "--policy"));
        c.add(new Case("rsendmail --policy=admin b@example.org", "--policy"));
        c.add(new Case("rsendmail --help now", "--help"));
        c.add(new Case("rsendmail --lmtp b@example.org", "--lmtp"));
        c.add(new Case("rsendmail --version -bp", "--version"));
        // Shell metacharacters, quoted or not.
        for (String s : List.of(";", "|", "&", "$", "`", "<", ">")) {
            c.add(new Case("sendmail b@example.org " + s + " id", s));
        }
        for (String s : List.of(";", "|", "&", "$", "`")) {
            c.add(new Case("sendmail 'b@example.org" + s + "id'", s));
        }
        c.add(new Case("sendmail '<b@example.org>id'", "<b@example.org>id"));
        c.add(new Case("sendmail 'b@example.org>/tmp/x'", "b@example.org>/tmp/x"));
        c.add(new Case("sendmail b@example.org && cat /etc/shadow", "&"));
        c.add(new Case("sendmail $(id)@example.org", "$"));
        c.add(new Case("sendmail \"${HOME}\"@example.org", "$"));
        c.add(new Case("sendmail `id`@example.org", "`"));
        c.add(new Case("sendmail (id)", "("));
        c.add(new Case("sendmail b@example.org #comment", "#"));
        c.add(new Case("sendmail ~root", "~"));
        c.add(new Case("sendmail *@example.org", "*"));
        c.add(new Case("sendmail b?@example.org", "?"));
        c.add(new Case("sendmail [b]@example.org", "["));
        c.add(new Case("sendmail {a,b}@example.org", "{"));
        // Newlines, carriage returns, NUL, other controls.
        c.add(new Case("sendmail b@example.org\nid", "newline"));
        c.add(new Case("sendmail 'b@example.org\nid'", "newline"));
        c.add(new Case("sendmail b@example.org\rid", "newline"));
        c.add(new Case("sendmail b@exa\0mple.org", "NUL"));
        c.add(new Case("sendmail b@exa\u001bmple.org", "control"));
        c.add(new Case("sendmail b@exa\u007fmple.org", "control"));
        // Quotes that hide options or spaces inside one word.
        c.add(new Case("sendmail '-bp'", "-bp"));
        c.add(new Case("sendmail \"-bp\"", "-bp"));
        c.add(new Case("sendmail -- '-bp'", "-bp"));
        c.add(new Case("sendmail \\-bp", "-bp"));
        c.add(new Case("sendmail '-f' '-bp' b@example.org", "-bp"));
        c.add(new Case("sendmail 'b@example.org -bp'", "b@example.org -bp"));
        c.add(new Case("sendmail \"b@example.org -C/etc/passwd\"", "b@example.org -C/etc/passwd"));
        c.add(new Case("sendmail -- -oQ/tmp", "-oQ/tmp"));
        c.add(new Case("sendmail -F '-q' b@example.org", "-q"));
        c.add(new Case("sendmail -f", "-f"));
        c.add(new Case("sendmail -f-bp b@example.org", "-bp"));
        // Unknown first words: other programs an attacker might try.
        for (String prog : List.of("sh", "bash -c id", "scp -t /tmp", "sftp-server", "/usr/lib/openssh/sftp-server",
                "rsync --server .", "git-upload-pack repo", "cat /etc/passwd", "sendmail.postfix b@example.org",
                "/tmp/sendmail2 b@example.org", "xsendmail b@example.org", "'' b@example.org")) {
            String first = prog.startsWith("''") ? "" : prog.split(" ")[0];
            c.add(new Case(prog, first.isEmpty() ? "command" : first));
        }
        c.add(new Case("", "empty"));
        // Malformed and over-long addresses.
        c.add(new Case("sendmail b@@example.org", "b@@example.org"));
        c.add(new Case("sendmail notanaddress", "notanaddress"));
        c.add(new Case("sendmail b@example..org", "b@example..org"));
        c.add(new Case("sendmail .b@example.org", ".b@example.org"));
        c.add(new Case("sendmail b@-example.org", "b@-example.org"));
        c.add(new Case("sendmail '\"quoted\"@example.org'", "quoted"));
        c.add(new Case("sendmail " + "l".repeat(65) + "@example.org", "llllllll"));
        c.add(new Case("sendmail b@" + "d".repeat(64) + ".org", "dddddddd"));
        c.add(new Case("sendmail b@" + ("d".repeat(60) + ".").repeat(5) + "org", "dddddddd"));
        c.add(new Case("sendmail " + "x".repeat(100_000), "xxxxxxxx"));
        c.add(new Case("sendmail -f " + "s".repeat(300) + "@example.org b@example.org", "ssssssss"));
        c.add(new Case("sendmail -f bad b@example.org", "bad"));
        c.add(new Case("sendmail b@example.org\u202e", "U+202E"));
        c.add(new Case("sendmail", "no recipients"));
        c.add(new Case("sendmail -oi -f a@example.org", "no recipients"));
        return c;
    }

    static Stream<Case> cases() {
        return corpus().stream();
    }

    @Test
    void corpusIsLargeEnough() {
        assertTrue(corpus().size() >= 80, "hostile corpus has " + corpus().size() + " commands");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void refusedWithUsageAndNothingSent(Case hostile, @TempDir Path dir) throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        RelayHarness.Result r = relay.run(hostile.command(), MSG);
        assertEquals(64, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), "exactly one line: " + r.err());
        assertTrue(r.err().startsWith("5."), r.err());
        assertTrue(r.err().length() < 300, "short line: " + r.err().length());
        String named = hostile.named();
        assertTrue(r.err().contains(named) || r.err().contains(escape(named)),
                "line names '" + named + "': " + r.err());
        assertFalse(relay.mtaRan(), "the MTA must not run");
        List<String> log = relay.logLines();
        assertEquals(1, log.size(), "one log line");
        assertTrue(log.get(0).contains("status=refused 64"), log.get(0));
        assertFalse(log.get(0).contains("\n") || log.get(0).contains("\r"));
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            b.append(ch < ' ' || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
        }
        return b.toString();
    }
}
