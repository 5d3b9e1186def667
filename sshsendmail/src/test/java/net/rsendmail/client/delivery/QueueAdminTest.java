package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.RecipientResult;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requeue, delete and bounce on a real queue directory, each under the message's claim. */
class QueueAdminTest {
    @TempDir
    Path dir;
    MailQueue q;
    QueueAdmin admin;

    @BeforeEach
    void open() throws Exception {
        q = MailQueue.open(dir.resolve("q"));
        admin = new QueueAdmin(ClientConfig.defaults().withLog(net.rsendmail.log.LogSetting.of(net.rsendmail.log.LogTarget.NONE)), q, "client.test");
    }

    QueueId add(String sender, String... rcpts) throws Exception {
        return q.enqueue(new Envelope(sender, List.of(rcpts)), new ByteArrayInputStream(
                ("From: " + sender + "\nSubject: admin\n\nbody\n").getBytes(StandardCharsets.US_ASCII)));
    }

    /** A message refused for good by the relay: in failed/, its DSN is not of interest here. */
    QueueId failed(String sender, String rcpt) throws Exception {
        QueueId id = add(sender, rcpt);
        try (Claim c = q.claim(id).orElseThrow()) {
            c.delivered(Map.of(rcpt, RecipientResult.permanent("5.7.1", "relay: policy")), Instant.now());
        }
        return id;
    }

    QueueEntry entry(QueueId id) throws Exception {
        return q.list().stream().filter(e -> e.id().equals(id)).findFirst().orElse(null);
    }

    static QueueAdmin.Selection ids(QueueId... ids) throws Refusal {
        return QueueAdmin.parse(java.util.Arrays.stream(ids).map(QueueId::value).toList());
    }

    @Test
    void requeueMakesFailedAndDeferredMessagesDueNow() throws Exception {
        QueueId f = failed("a@client.test", "b@example.org");
        QueueId d = add("a@client.test", "c@example.org");
        try (Claim c = q.claim(d).orElseThrow()) {
            c.defer("4.4.1", "relay down", Instant.now().plus(Duration.ofHours(1)));
        }
        QueueAdmin.Report r = admin.run(QueueAdmin.Operation.REQUEUE, ids(f, d));
        assertEquals(new QueueAdmin.Report(2, List.of()), r);
        assertEquals(0, r.exit());
        assertEquals(List.of(f, d), q.due(Instant.now()));
        assertEquals(QueueEntry.Status.QUEUED, entry(f).status());
        assertEquals("5.7.1", entry(f).recipients().get(0).status(), "the last status stays visible in -bp");
    }

    @Test
    void deleteRemovesQueuedAndFailedMessages() throws Exception {
        QueueId f = failed("a@client.test", "b@example.org");
        QueueId w = add("a@client.test", "c@example.org");
        QueueId kept = add("a@client.test", "d@example.org");
        assertEquals(2, admin.run(QueueAdmin.Operation.DELETE, ids(f, w)).done());
        assertEquals(List.of(kept), q.list().stream().map(QueueEntry::id).toList());
        assertEquals(1, admin.run(QueueAdmin.Operation.DELETE, QueueAdmin.parse(List.of("ALL"))).done());
        assertEquals(List.of(), q.list());
    }

    @Test
    void bounceSendsTheRunnersDsnToTheSenderAndKeepsTheOriginalInFailed() throws Exception {
        QueueId id = add("a@client.test", "b@example.org", "c@example.org");
        assertEquals(1, admin.run(QueueAdmin.Operation.BOUNCE, ids(id)).done());
        assertEquals(QueueEntry.Status.FAILED, entry(id).status());
        QueueEntry dsn = q.list().stream().filter(e -> e.sender().isEmpty()).findFirst().orElseThrow();
        assertEquals("a@client.test", dsn.recipients().get(0).address());
        try (Claim c = q.claim(dsn.id()).orElseThrow(); InputStream in = c.openBody()) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
            DeliveryStatus ds = ((MultipartReport) m.getContent()).getDeliveryStatus();
            assertEquals(2, ds.getRecipientDSNCount());
            assertEquals("5.0.0", ds.getRecipientDSN(0).getHeader("Status", ","));
            assertTrue(ds.getRecipientDSN(1).getHeader("Diagnostic-Code", ",").contains("returned by the queue's administrator"));
        }
    }

    @Test
    void bounceOfANullSenderMessageKeepsItInFailedWithoutADsn() throws Exception {
        QueueId id = add("", "b@example.org");
        assertEquals(1, admin.run(QueueAdmin.Operation.BOUNCE, ids(id)).done());
        assertEquals(List.of(id), q.list().stream().map(QueueEntry::id).toList(), "no DSN for a DSN");
        assertEquals(QueueEntry.Status.FAILED, entry(id).status());
    }

    @Test
    void bounceAllLeavesFailedMessagesAloneAndNamingOneIsRefused() throws Exception {
        QueueId f = failed("a@client.test", "b@example.org");
        QueueId w = add("a@client.test", "c@example.org");
        assertEquals(new QueueAdmin.Report(1, List.of()).done(),
                admin.run(QueueAdmin.Operation.BOUNCE, QueueAdmin.parse(List.of("ALL"))).done());
        assertEquals(QueueEntry.Status.FAILED, entry(w).status());
        QueueAdmin.Report r = admin.run(QueueAdmin.Operation.BOUNCE, ids(f));
        assertEquals(SysExit.NOUSER.code(), r.exit());
        assertTrue(r.problems().get(0).line().contains(f + " failed already and is kept in failed/"), r.toString());
    }

    @Test
    void aMessageBeingDeliveredIsNotTouchedAndUnknownIdsAreNamed() throws Exception {
        QueueId busy = add("a@client.test", "b@example.org");
        QueueId gone = QueueId.generate();
        QueueId free = add("a@client.test", "c@example.org");
        try (Claim runner = q.claim(busy).orElseThrow()) {
            QueueAdmin.Report r = admin.run(QueueAdmin.Operation.DELETE, ids(busy, gone, free));
            assertEquals(1, r.done());
            assertEquals(2, r.problems().size());
            assertEquals(SysExit.TEMPFAIL.code(), r.exit(), "the first problem decides: busy, try again");
            assertEquals("4.3.0 " + busy + " is being delivered right now (runner pid " + ProcessHandle.current().pid()
                    + "); try again once sshsendmail -bp no longer shows it as sending", r.problems().get(0).line());
            assertEquals("5.0.0 " + gone + ": no such message in the queue (delivered or deleted already?)",
                    r.problems().get(1).line());
            assertEquals(SysExit.NOUSER, r.problems().get(1).exit());
            // ALL reports the held one too
            assertEquals(SysExit.TEMPFAIL.code(), admin.run(QueueAdmin.Operation.REQUEUE,
                    QueueAdmin.parse(List.of("ALL"))).exit());
        }
        assertEquals(List.of(busy), q.list().stream().map(QueueEntry::id).toList(), "the runner's message is intact");
    }

    @Test
    void wordsMustBeQueueIdsOrAll() {
        for (List<String> words : List.of(List.<String>of(), List.of("all"), List.of("../queue"),
                List.of("20251122T021300123456Z-0123456789abcdef", "-C"))) {
            assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> QueueAdmin.parse(words)).exit(), words::toString);
        }
    }
}
