package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * delay_warning (sshsendmail/README §7): a message the relay keeps deferring gets one RFC 3464
 * "delayed" notice to its sender once it is older than delay_warning, however many queue runs
 * (each a new process) come after; real OpenSSH and the dist relay, whose MTA says EX_TEMPFAIL.
 */
class DelayWarningIT {
    static final String ALICE = "alice@client.test";

    @AutoClose
    final World w = new World();

    /** One queue run, a process of its own; what it did is read from the log (its exit says only whether mail waits). */
    private boolean run() {
        w.sshsendmail(null, "-q");
        return true;
    }

    /** Lines of the client log about message {@code id}. */
    private List<String> attemptsOf(String id) {
        return w.clientLog().lines().filter(l -> l.contains("id=" + id + " ")).toList();
    }

    @Test
    void aMessageStillDeferredAfterDelayWarningGetsExactlyOneNotice() {
        w.stubExit(75); // the relay's MTA: EX_TEMPFAIL, so every attempt is deferred
        w.clientConfig("background no\ndelay_warning 2s\nretry_min 1s\nretry_max 1s\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, "bob@example.org", "slow"), "-i", "-f", ALICE,
                "bob@example.org");
        assertEquals(0, r.exit(), r::toString);

        Wait.until(() -> run() && w.clientLog().contains("(delay warning)"), Duration.ofSeconds(60), w::clientLog);
        String warned = w.clientLog().lines().filter(l -> l.contains("(delay warning)")).findFirst().orElseThrow();
        Matcher m = Pattern.compile("\\bid=(\\S+) from=<" + Pattern.quote(ALICE) + ">.* status=deferred .*"
                + "dsn=(\\S+) \\(delay warning\\) 4\\.").matcher(warned);
        assertTrue(m.find(), warned);
        String id = m.group(1);
        String notice = m.group(2);
        int atWarning = attemptsOf(id).size();

        // more attempts, each its own run: none warns again
        Wait.until(() -> run() && attemptsOf(id).size() >= atWarning + 2, Duration.ofSeconds(60), w::clientLog);
        assertEquals(1, w.clientLog().lines().filter(l -> l.contains("(delay warning)")).count(), w.clientLog());
        Proc.Result bp = w.sshsendmail(null, "-bp");
        assertTrue(bp.out().contains("sender warned of the delay"), bp::toString);
        assertTrue(bp.out().contains("DSN for " + id + ": delayed 4."), "the notice knows what it is about:\n" + bp);

        // the relay takes mail again: the message and its one notice go out
        w.stubExit(0);
        Wait.until(() -> run() && w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"),
                Duration.ofSeconds(60), w::clientLog);
        assertTrue(w.clientLog().lines().anyMatch(l -> l.contains("id=" + notice + " from=<> to=<" + ALICE + ">")
                && l.contains("status=sent")), w.clientLog());
        List<RecordingSendmail.Call> notices = w.calls().stream().filter(c -> c.text().contains("Action: delayed"))
                .toList();
        Set<String> distinct = notices.stream().map(c -> header(c.text(), "Message-ID")).collect(Collectors.toSet());
        assertEquals(1, distinct.size(), "one notice, however often it was tried: " + distinct);
        String text = notices.get(0).text().replaceAll("\r?\n[ \t]+", " ");
        assertTrue(text.contains("Final-Recipient: rfc822; bob@example.org"), text);
        assertTrue(text.contains("Status: 4."), text);
        assertTrue(text.contains("Will-Retry-Until: "), text);
        assertTrue(text.contains("WARNING ONLY") && text.contains("keeps trying until"), text);
        assertTrue(notices.get(0).argv().contains(ALICE), notices.get(0).argv()::toString);
        assertTrue(w.calls().stream().anyMatch(c -> c.argv().contains("bob@example.org") && c.text().contains("Subject: slow")),
                "the message itself");
    }

    private static String header(String message, String name) {
        return message.lines().takeWhile(l -> !l.isEmpty()).filter(l -> l.regionMatches(true, 0, name + ":", 0,
                name.length() + 1)).findFirst().orElse("");
    }
}
