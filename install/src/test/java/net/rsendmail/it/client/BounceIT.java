package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.rsendmail.it.PrivatePostfix;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A bounce passes the key's own policy (README: header_from_match and bounces): a refused message
 * comes back to its sender through the same key, real OpenSSH and the dist relay; a bounce that
 * cannot be delivered either is told with both reasons.
 */
class BounceIT {
    static final String ALICE = "alice@client.test";
    /** The README's laptop-style policy: carol@other.net is refused (5.7.1), a bounce to alice passes. */
    static final String POLICY = "senders " + ALICE + "\nheader_from_match yes\nrecipients @example.org\n";

    @AutoClose
    final World w = new World();

    /** Queues a message to carol@other.net and runs the queue twice: the refusal, then its DSN. */
    private String sendRefusedAndRunTheQueue() {
        w.clientConfig("background no\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, "carol@other.net", "refused"), "-i", "-f", ALICE,
                "carol@other.net");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        String bounced = w.clientLog().lines().filter(l -> l.contains("status=bounced")).findFirst()
                .orElseThrow(() -> new AssertionError("no bounce in\n" + w.clientLog()));
        assertEquals(0, w.sshsendmail(null, "-q").exit()); // the DSN, if the first run did not take it already
        Matcher id = Pattern.compile("\\bid=(\\S+)").matcher(bounced);
        assertTrue(id.find(), bounced);
        return id.group(1);
    }

    @Test
    void theBounceOfARefusedMessagePassesAHeaderFromMatchPolicy() {
        w.relayPolicy(POLICY);
        sendRefusedAndRunTheQueue();
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        String dsn = new String(calls.get(0).stdin(), StandardCharsets.UTF_8);
        assertTrue(dsn.contains("Final-Recipient: rfc822; carol@other.net") && dsn.contains("Status: 5.7.1"), dsn);
        assertTrue(dsn.contains("To: <" + ALICE + ">"), dsn);
        assertTrue(calls.get(0).argv().contains(ALICE), calls.get(0).argv()::toString);
        assertTrue(w.clientLog().lines().anyMatch(l -> l.contains("from=<>") && l.contains("status=sent")), w.clientLog());
    }

    @Test
    void theBounceReachesTheSendersMaildirThroughOpenSshAndARealPostfix() {
        try (PrivatePostfix postfix = PrivatePostfix.start()) { // skips when not root
            w.relay(postfix.sendmail(), POLICY);
            sendRefusedAndRunTheQueue();
            List<PrivatePostfix.Delivered> got = postfix.awaitMessages(1, Duration.ofSeconds(60));
            assertEquals(1, got.size(), got::toString);
            PrivatePostfix.Delivered d = got.get(0);
            assertEquals(ALICE, d.deliveredTo());
            assertEquals("<>", d.returnPath(), "a DSN comes from the null sender (RFC 3464 §2)");
            // header fields may be folded on the way: read them unfolded
            String dsn = new String(d.original(), StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]+", " ");
            assertTrue(dsn.contains("Content-Type: multipart/report") && dsn.contains("report-type=delivery-status"), dsn);
            assertTrue(dsn.contains("Final-Recipient: rfc822; carol@other.net"), dsn);
            assertTrue(dsn.contains("Action: failed") && dsn.contains("Status: 5.7.1"), dsn);
            assertTrue(dsn.contains("recipient not allowed for this key: carol@other.net"), "the relay's reason:\n" + dsn);
            assertTrue(dsn.contains("Subject: refused"), "the original header section comes back:\n" + dsn);
            assertTrue(!dsn.contains("two dots"), "but not its body:\n" + dsn);
        }
    }

    @Test
    void aBounceThatIsRefusedTooIsAWarningWithBothReasonsAndStaysInFailed() {
        w.relayPolicy(POLICY);
        w.stubExit(67); // the relay's MTA refuses the bounce's recipient: EX_NOUSER
        String original = sendRefusedAndRunTheQueue();
        w.awaitCalls(1, Duration.ofSeconds(30));
        String log = w.clientLog();
        String line = log.lines().filter(l -> l.contains("from=<>") && l.contains("status=failed")).findFirst()
                .orElseThrow(() -> new AssertionError("no failed bounce in\n" + log));
        assertTrue(line.contains(" WARN "), line);
        assertTrue(line.contains("5.1.1") && line.contains("exit 67"), "the bounce's own reason: " + line);
        assertTrue(line.contains("original message " + original + " failed 5.7.1")
                && line.contains("recipient not allowed for this key: carol@other.net"), "the original's: " + line);

        Proc.Result bp = w.sshsendmail(null, "-bp");
        assertEquals(0, bp.exit(), bp::toString);
        String dsnId = Pattern.compile("\\bid=(\\S+)").matcher(line).results().findFirst().orElseThrow().group(1);
        List<String> lines = bp.out().lines().toList();
        int at = lines.indexOf(lines.stream().filter(l -> l.startsWith(dsnId)).findFirst()
                .orElseThrow(() -> new AssertionError(bp.out())));
        String entry = String.join("\n", lines.subList(at, Math.min(lines.size(), at + 4)));
        assertTrue(lines.get(at).contains(" failed ") && lines.get(at).contains("<>"), bp.out());
        assertTrue(entry.contains("<" + ALICE + "> failed 5.1.1"), "the bounce's reason in -bp:\n" + bp.out());
        assertTrue(entry.contains("DSN for " + original + ": failed 5.7.1"), "the original's in -bp:\n" + bp.out());
        assertTrue(bp.out().lines().anyMatch(l -> l.startsWith(original) && l.contains(" failed ")),
                "the original is in failed/ too:\n" + bp.out());
    }
}
