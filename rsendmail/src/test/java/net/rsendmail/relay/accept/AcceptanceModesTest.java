package net.rsendmail.relay.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.rsendmail.relay.RelayHarness;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One table of messages run through both modes, plain and LMTP: the same decision, the same
 * status, the same log fields and the same log status, whichever way the client talks.
 */
class AcceptanceModesTest {
    private static final String POLICY = "[policy strict]\n"
            + "senders @example.org\n"
            + "header_from_match yes\n"
            + "recipients @example.net\n"
            + "max_recipients 2\n"
            + "max_size 3M\n"
            + "null_sender no\n"
            + "[policy once]\n"
            + "max_per_hour 1\n";
    private static final List<String> LOG_FIELDS =
            List.of("policy", "mode", "envid", "from", "nrcpt", "to", "size", "duration_ms", "status");

    /** {@code status}: null when the message must be handed over, else the plain mode's RFC 3463 status. */
    record Case(String name, String sender, List<String> recipients, String message, String status) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> table() {
        String ok = "From: A <a@example.org>\nSubject: s\n\nhello\n";
        String hugeHeader = "From: a@example.org\nX-Big: " + "x".repeat(1 << 20) + "\n\nbody\n";
        List<Case> c = new ArrayList<>();
        c.add(new Case("allowed", "a@example.org", List.of("b@example.net"), ok, null));
        c.add(new Case("folded From allowed", "a@example.org", List.of("b@example.net"),
                "From: a@example.org\n (comment)\nSubject: s\n\nx\n", null));
        c.add(new Case("sender outside policy", "x@evil.org", List.of("b@example.net"), ok, "5.7.1"));
        c.add(new Case("null sender not allowed", "", List.of("b@example.net"), ok, "5.7.1"));
        c.add(new Case("recipient outside policy", "a@example.org", List.of("b@other.org"), ok, "5.7.1"));
        c.add(new Case("bare local recipient", "a@example.org", List.of("bob"), ok, "5.1.3"));
        c.add(new Case("too many recipients", "a@example.org",
                List.of("b@example.net", "c@example.net", "d@example.net"), ok, "5.5.3"));
        c.add(new Case("header From outside policy", "a@example.org", List.of("b@example.net"),
                "From: x@evil.org\n\nhi\n", "5.7.1"));
        c.add(new Case("no header From", "a@example.org", List.of("b@example.net"), "Subject: s\n\nhi\n", "5.7.1"));
        c.add(new Case("two From headers, one outside", "a@example.org", List.of("b@example.net"),
                "From: a@example.org\nFrom: x@evil.org\n\nhi\n", "5.7.1"));
        c.add(new Case("obsolete syntax hides nothing", "a@example.org", List.of("b@example.net"),
                "From: a@example.org\nX-Old : y\nFrom: x@evil.org\n\nhi\n", "5.7.1"));
        c.add(new Case("obsolete From itself", "a@example.org", List.of("b@example.net"),
                "Subject: s\nFrom\t: x@evil.org\n\nhi\n", "5.7.1"));
        c.add(new Case("mbox From_ line then a foreign From", "a@example.org", List.of("b@example.net"),
                "From a@example.org Tue Dec  1 10:00:00 2026\nFrom: x@evil.org\n\nhi\n", "5.7.1"));
        c.add(new Case("malformed From inside the domain", "a@example.org", List.of("b@example.net"),
                "From: a..b@example.org\n\nhi\n", "5.7.1"));
        c.add(new Case("From with two at-signs", "a@example.org", List.of("b@example.net"),
                "From: \"x@evil.org\"@example.org@example.org\n\nhi\n", "5.7.1"));
        c.add(new Case("header section over 1 MiB", "a@example.org", List.of("b@example.net"), hugeHeader, "5.6.0"));
        c.add(new Case("message over max_size", "a@example.org", List.of("b@example.net"),
                ok + "y".repeat(3 << 20) + "\n", "5.3.4"));
        return c.stream();
    }

    @ParameterizedTest
    @MethodSource("table")
    void bothModesDecideAlike(Case c, @TempDir Path plainDir, @TempDir Path lmtpDir) throws Exception {
        RelayHarness plain = new RelayHarness(plainDir, POLICY);
        StringBuilder cmd = new StringBuilder("sendmail -f '" + c.sender() + "' --");
        for (String r : c.recipients()) {
            cmd.append(' ').append(r);
        }
        RelayHarness.Result p = plain.run(cmd.toString(), c.message(), "--policy", "strict");
        String plainStatus = p.exit() == 0 ? null : p.err().substring(0, 5);
        assertEquals(c.status(), plainStatus, p.err());
        assertEquals(c.status() == null, plain.mtaRan());

        RelayHarness lmtp = new RelayHarness(lmtpDir, POLICY);
        StringBuilder in = new StringBuilder("LHLO c\r\nMAIL FROM:<" + c.sender() + ">\r\n");
        for (String r : c.recipients()) {
            in.append("RCPT TO:<").append(r).append(">\r\n");
        }
        in.append("DATA\r\n").append(stuff(c.message())).append(".\r\nQUIT\r\n");
        RelayHarness.Result l = lmtp.run("rsendmail --lmtp", in.toString(), "--policy", "strict");
        String lmtpStatus = firstRefusal(l.out());
        String expected = "5.5.3".equals(c.status()) ? "4.5.3" : c.status(); // RFC 5321 §4.5.3.1.10: try the rest later
        assertEquals(expected, lmtpStatus, l.out());
        // Too many recipients: LMTP hands over to the ones accepted, the client sends the rest later.
        assertEquals(c.status() == null || "4.5.3".equals(expected), lmtp.mtaRan());
        if (c.status() == null) {
            assertEquals(plain.mtaArgv(), lmtp.mtaArgv());
            assertEquals(new String(plain.mtaStdin()), new String(lmtp.mtaStdin()));
        }

        String plainLog = plain.logLines().get(plain.logLines().size() - 1);
        String lmtpLog = lmtp.logLines().stream().filter(x -> c.status() == null || x.contains(" status=refused "))
                .findFirst().orElseThrow();
        assertEquals(LOG_FIELDS, fields(plainLog), plainLog);
        assertEquals(LOG_FIELDS, fields(lmtpLog), lmtpLog);
        assertEquals(status(plainLog), status(lmtpLog));
        assertTrue(plainLog.contains(" mode=plain ") && lmtpLog.contains(" mode=lmtp "));
    }

    @org.junit.jupiter.api.Test
    void theRateLimitDecidesAlike(@TempDir Path plainDir, @TempDir Path lmtpDir) throws Exception {
        String msg = "From: a@example.org\n\nhi\n";
        RelayHarness plain = new RelayHarness(plainDir, POLICY);
        assertEquals(0, plain.run("sendmail b@example.net", msg, "--policy", "once").exit());
        RelayHarness.Result p = plain.run("sendmail b@example.net", msg, "--policy", "once");
        assertEquals(75, p.exit());
        RelayHarness lmtp = new RelayHarness(lmtpDir, POLICY);
        String tx = "MAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n" + stuff(msg) + ".\r\n";
        RelayHarness.Result l = lmtp.run("rsendmail --lmtp", "LHLO c\r\n" + tx + tx + "QUIT\r\n", "--policy", "once");
        assertTrue(l.out().contains("\r\n451 4.7.0 rate limit reached: 1 messages per hour\r\n"), l.out());
        assertEquals("4.7.0 rate limit reached: 1 messages per hour\n", p.err());
        assertEquals(1, plain.mtaRuns());
        assertEquals(1, lmtp.mtaRuns());
        assertEquals(status(plain.logLines().get(1)), status(lmtp.logLines().get(1)));
    }

    /** The first reply that is neither 2xx nor 3xx, as its enhanced status; null if none. */
    private static String firstRefusal(String replies) {
        for (String line : replies.split("\r\n")) {
            if (line.charAt(0) == '4' || line.charAt(0) == '5') {
                return line.substring(4, 9);
            }
        }
        return null;
    }

    private static String stuff(String message) {
        StringBuilder b = new StringBuilder();
        for (String line : message.split("\n", -1)) {
            b.append(line.startsWith(".") ? "." : "").append(line).append("\r\n");
        }
        b.setLength(b.length() - 2); // the message's own last line end is already there
        return b.toString();
    }

    private static List<String> fields(String log) {
        String body = log.substring(log.indexOf(": ") + 2);
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("(?:^|\\s)([a-z_]+)=").matcher(body.substring(0, body.indexOf(" status=") + 8));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String status(String log) {
        return log.substring(log.indexOf(" status=") + 8).replaceAll("\\d+ bytes", "N bytes");
    }
}
