package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Queue operations (--requeue, --delete, --bounce), mailq and newaliases by name, and --help,
 * through bin/sshsendmail with the real queue and a real OpenSSH relay.
 */
class QueueOpsIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";
    static final Pattern ENTRY = Pattern.compile("(?m)^(\\S{39}) +(queued|sending|failed) ");

    @AutoClose
    final World w = new World();

    /** Ids in -bp with {@code status}, oldest first. */
    List<String> ids(String status) {
        Matcher m = ENTRY.matcher(w.sshsendmail(null, "-bp").out());
        List<String> out = new ArrayList<>();
        while (m.find()) {
            if (m.group(2).equals(status)) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    String queueOne(String subject) {
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, subject), "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        List<String> q = ids("queued");
        return q.get(q.size() - 1);
    }

    @Test
    void aRequeuedFailedMessageIsDeliveredOnceTheRelayAccepts() {
        w.relayPolicy("recipients @client.test\n");
        w.clientConfig("background no\n");
        queueOne("refused first");
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        List<String> failed = ids("failed");
        assertEquals(1, failed.size());
        w.awaitCalls(1, Duration.ofSeconds(10)); // the DSN to alice
        w.clearCalls();

        w.relayPolicy(""); // the relay's admin fixes the policy
        w.clientConfig(""); // background yes: a requeue starts a runner, as a sendmail call does
        Proc.Result r = w.sshsendmail(null, "--requeue", failed.get(0));
        assertEquals(0, r.exit(), r::toString);
        assertEquals("Requeued: 1 message(s)\n", r.out());
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        assertEquals(BOB, calls.get(0).argv().get(calls.get(0).argv().size() - 1));
        assertTrue(calls.get(0).text().contains("Subject: refused first"), calls.get(0).text());
        Wait.until(() -> w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"), Duration.ofSeconds(10),
                () -> w.sshsendmail(null, "-bp").out());
        assertTrue(w.clientLog().contains("id=" + failed.get(0) + " from=<" + ALICE + "> to=<" + BOB + ">"), w.clientLog());
        assertTrue(w.clientLog().contains("status=requeued by the queue's administrator"), w.clientLog());
    }

    @Test
    void deleteByIdAndAllIsLoggedWithSenderAndRecipients() {
        w.clientConfig("background no\n");
        String one = queueOne("delete me");
        queueOne("and me");
        queueOne("and me too");
        Proc.Result r = w.sshsendmail(null, "--delete", one);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("Deleted: 1 message(s)\n", r.out());
        assertTrue(w.clientLog().contains("id=" + one + " from=<" + ALICE + "> to=<" + BOB + "> size="), w.clientLog());
        assertTrue(w.clientLog().contains("status=deleted by the queue's administrator"), w.clientLog());
        assertEquals(2, ids("queued").size());
        Proc.Result all = w.sshsendmail(null, "--delete", "ALL");
        assertEquals("Deleted: 2 message(s)\n", all.out(), all::toString);
        assertTrue(w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"));
        // deleted is gone: asking again names it, exit 67
        Proc.Result again = w.sshsendmail(null, "--delete", one);
        assertEquals(67, again.exit(), again::toString);
        assertEquals("sshsendmail: 5.0.0 " + one + ": no such message in the queue (delivered or deleted already?)\n",
                again.err());
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void bounceNowQueuesTheRunnersDsnToTheSender() throws Exception {
        w.clientConfig("background no\n");
        String id = queueOne("give up on it");
        Proc.Result r = w.sshsendmail(null, "--bounce", id);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("Bounced: 1 message(s)\n", r.out());
        assertEquals(List.of(id), ids("failed"));
        String bp = w.sshsendmail(null, "-bp").out();
        assertTrue(bp.contains("<>"), "the DSN is queued from the null sender: " + bp);
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        RecordingSendmail.Call dsn = w.awaitCalls(1, Duration.ofSeconds(10)).get(0);
        assertEquals(ALICE, dsn.argv().get(dsn.argv().size() - 1));
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn.stdin()));
        DeliveryStatus ds = ((MultipartReport) m.getContent()).getDeliveryStatus();
        assertEquals("rfc822; " + BOB, ds.getRecipientDSN(0).getHeader("Final-Recipient", ","));
        assertEquals("5.0.0", ds.getRecipientDSN(0).getHeader("Status", ","));
        assertTrue(ds.getRecipientDSN(0).getHeader("Diagnostic-Code", ",").contains("returned by the queue's administrator"));
        // a failed message was bounced when it failed: naming it again is refused, ALL leaves it alone
        Proc.Result twice = w.sshsendmail(null, "--bounce", id);
        assertEquals(67, twice.exit(), twice::toString);
        assertEquals("Bounced: 0 message(s)\n", w.sshsendmail(null, "--bounce", "ALL").out());
    }

    @Test
    void aMessageBeingDeliveredIsLeftAlone() throws Exception {
        w.clientConfig("background no\n");
        String id = queueOne("slow");
        w.stubDelay(5);
        Path out = w.dir.resolve("runner.out");
        ProcessBuilder pb = new ProcessBuilder(w.sshsendmail().toString(), "-q").directory(w.dir.toFile())
                .redirectOutput(out.toFile()).redirectErrorStream(true);
        pb.environment().put("SSHSENDMAIL_CONF", w.clientConf.toString());
        Process runner = pb.start();
        try {
            Wait.until(() -> w.stub.calls().stream().anyMatch(c -> !c.done()), Duration.ofSeconds(30),
                    () -> "the relay never got the message");
            Proc.Result r = w.sshsendmail(null, "--delete", id);
            assertEquals(75, r.exit(), r::toString);
            assertTrue(r.err().startsWith("sshsendmail: 4.3.0 " + id + " is being delivered right now (runner pid "), r.err());
            assertEquals("Deleted: 0 message(s)\n", r.out());
        } finally {
            assertTrue(runner.waitFor(60, TimeUnit.SECONDS), "the runner finished");
        }
        assertEquals(0, runner.exitValue(), Files2.read(out));
        assertEquals(1, w.calls().size(), "delivered once, not deleted under the runner");
    }

    @Test
    void wordsThatAreNoQueueIdsAreAUsageError() {
        Proc.Result r = w.sshsendmail(null, "--requeue", "../etc");
        assertEquals(64, r.exit(), r::toString);
        List<String> lines = List.of(r.err().split("\n"));
        assertEquals("sshsendmail: 5.5.4 not a queue id: '../etc' (sshsendmail -bp lists them; ALL for every message)",
                lines.get(0));
        assertTrue(lines.get(1).startsWith("usage: sshsendmail "), r.err());
        assertEquals(64, w.sshsendmail(null, "--bounce").exit());
    }

    @Test
    void mailqAndNewaliasesThroughSymlinks() throws Exception {
        w.clientConfig("background no\n");
        Path bin = Files.createDirectories(w.dir.resolve("usr/bin"));
        Path sbin = Files.createDirectories(w.dir.resolve("usr/sbin"));
        Files.createSymbolicLink(sbin.resolve("sendmail"), w.sshsendmail());
        Files.createSymbolicLink(bin.resolve("mailq"), Path.of("../sbin/sendmail")); // relative, to a link
        Files.createSymbolicLink(bin.resolve("newaliases"), w.sshsendmail());
        Map<String, String> env = Map.of("SSHSENDMAIL_CONF", w.clientConf.toString());
        Proc.Result empty = w.run(List.of(bin.resolve("mailq").toString()), null, env, Duration.ofSeconds(60));
        assertEquals(0, empty.exit(), empty::toString);
        assertEquals("Mail queue is empty\n", empty.out());
        String id = queueOne("listed");
        Proc.Result listed = w.run(List.of(bin.resolve("mailq").toString()), null, env, Duration.ofSeconds(60));
        assertEquals(0, listed.exit(), listed::toString);
        assertTrue(listed.out().contains(id) && listed.out().contains("<" + BOB + ">"), listed.out());
        Proc.Result na = w.run(List.of(bin.resolve("newaliases").toString()), null, env, Duration.ofSeconds(60));
        assertEquals(0, na.exit(), na::toString);
        assertEquals("", na.out() + na.err());
        // called as sendmail, the name adds nothing
        Proc.Result send = w.run(List.of(sbin.resolve("sendmail").toString(), "-i", BOB), World.message(ALICE, BOB, "x"),
                env, Duration.ofSeconds(60));
        assertEquals(0, send.exit(), send::toString);
        assertEquals(2, ids("queued").size());
    }

    @Test
    void helpAndVersionWhateverTheMode() {
        for (List<String> args : List.of(List.of("--help"), List.of("--mta=postfix", "--help"),
                List.of("-bp", "-q", "--help"), List.of("--nullmailer", "--help"))) {
            Proc.Result r = w.sshsendmail(null, args.toArray(String[]::new));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("usage: sshsendmail ") && r.out().contains("--requeue"), r.out());
            assertEquals("", r.err());
        }
        for (List<String> args : List.of(List.of("--version"), List.of("--nullmailer", "--version"),
                List.of("--mta=postfix", "--version"))) {
            Proc.Result r = w.sshsendmail(null, args.toArray(String[]::new));
            assertEquals(0, r.exit(), r::toString);
            assertTrue(r.out().startsWith("sshsendmail "), r.out());
        }
    }
}
