package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import java.util.Map;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Properties;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.message.MessagePreparer;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one settlement step, on a real queue directory: the same rules for whole and per-recipient attempts. */
class SettlementTest {
    @TempDir
    Path dir;

    private static final Outcome TEMP = Outcome.temporary(Outcome.Cause.RELAY, "4.2.0", "relay: 450 busy");
    private static final Outcome PERM = Outcome.permanent(Outcome.Cause.RELAY, "5.1.1", "relay: 550 no such user");

    private static ClientConfig config(Duration lifetime) {
        return config(lifetime, ClientConfig.defaults().delayWarning());
    }

    private static ClientConfig config(Duration lifetime, Duration delayWarning) {
        ClientConfig d = ClientConfig.defaults();
        return new ClientConfig(null, List.of(), null, null, d.knownHosts(), d.queue(), "example.org", "rsendmail",
                d.connectTimeout(), d.authTimeout(), d.commandTimeout(), lifetime, delayWarning, d.retryMin(),
                d.retryMax(), d.idleTimeout(), LogSetting.of(LogTarget.NONE), false, d.batch(), d.dkim(),
                d.hostKeyDns(), d.dns(), null, false);
    }

    /** A delay_warning every message in these tests is already older than. */
    private static final Duration PAST = Duration.ofSeconds(-1);

    private Settlement.Result settle(ClientConfig config, QueueId id, Attempt a) throws Exception {
        try (Claim c = queue.claim(id).orElseThrow()) {
            return new Settlement(config, queue, "example.org").apply(c, "plain", a);
        }
    }

    private List<QueueEntry> reports() throws Exception {
        return entries().stream().filter(e -> e.sender().isEmpty()).toList();
    }

    private QueueEntry entry(QueueId id) throws Exception {
        return entries().stream().filter(e -> e.id().equals(id)).findFirst().orElseThrow();
    }

    private DeliveryStatus status(QueueEntry dsn) throws Exception {
        byte[] raw = queue.messageHead(dsn.id(), 1 << 20);
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        return ((MultipartReport) m.getContent()).getDeliveryStatus();
    }

    private MailQueue queue;

    private Claim claim(String sender, String... rcpts) throws Exception {
        queue = MailQueue.open(dir.resolve("q"));
        QueueId id = queue.enqueue(new Envelope(sender, List.of(rcpts)), new ByteArrayInputStream(
                "From: a@example.org\nSubject: t\n\nbody\n".getBytes(StandardCharsets.US_ASCII)));
        return queue.claim(id).orElseThrow();
    }

    private List<QueueEntry> entries() throws Exception {
        return queue.list();
    }

    @Test
    void expiryIsTheSameForWholeAndPerRecipientAttempts() throws Exception {
        Settlement.Result whole;
        try (Claim c = claim("a@example.org", "b@example.net")) {
            whole = new Settlement(config(Duration.ofSeconds(-1)), queue, "example.org").apply(c, "plain", new Attempt.Whole(TEMP));
        }
        Settlement.Result per;
        try (Claim c = claim("a@example.org", "c@example.net")) {
            per = new Settlement(config(Duration.ofSeconds(-1)), queue, "example.org").apply(c, "lmtp",
                    new Attempt.PerRecipient(Map.of("c@example.net", TEMP)));
        }
        assertEquals(Settlement.Result.BOUNCED, whole);
        assertEquals(Settlement.Result.BOUNCED, per);
        List<QueueEntry> failed = entries().stream().filter(e -> e.status() == QueueEntry.Status.FAILED).toList();
        assertEquals(2, failed.size(), entries()::toString);
        for (QueueEntry e : failed) {
            assertEquals("5.4.7", e.recipients().get(0).status(), e::toString);
        }
        // one DSN each, from the null sender to the original sender
        List<QueueEntry> dsns = entries().stream().filter(e -> e.sender().isEmpty()).toList();
        assertEquals(2, dsns.size(), entries()::toString);
    }

    @Test
    void partialResultsKeepDeferredAndBounceTheRefusedWithTheBodyStillReadable() throws Exception {
        Settlement.Result r;
        try (Claim c = claim("a@example.org", "ok@example.net", "later@example.net", "no@example.net")) {
            r = new Settlement(config(Duration.ofDays(5)), queue, "example.org").apply(c, "lmtp",
                    new Attempt.PerRecipient(Map.of("ok@example.net", Outcome.delivered(), "later@example.net", TEMP,
                            "no@example.net", PERM)));
        }
        assertEquals(Settlement.Result.DEFERRED, r);
        QueueEntry kept = entries().stream().filter(e -> !e.sender().isEmpty()).findFirst().orElseThrow();
        assertEquals(QueueEntry.Status.QUEUED, kept.status());
        assertEquals(List.of("later@example.net", "no@example.net"),
                kept.recipients().stream().map(x -> x.address()).toList());
        assertTrue(kept.nextAttempt().isAfter(Instant.now()), kept::toString);
        assertEquals(1, entries().stream().filter(e -> e.sender().isEmpty()).count(), "one DSN for the refused one");
    }

    @Test
    void nullSenderIsNeverBounced() throws Exception {
        Settlement.Result r;
        try (Claim c = claim("", "b@example.net")) {
            r = new Settlement(config(Duration.ofDays(5)), queue, "example.org").apply(c, "plain", new Attempt.Whole(PERM));
        }
        assertEquals(Settlement.Result.FAILED, r);
        assertEquals(1, entries().size(), entries()::toString);
        assertEquals(QueueEntry.Status.FAILED, entries().get(0).status());
    }

    @Test
    void oneDelayWarningInTheMessagesLifeWhateverRunsCome() throws Exception {
        QueueId id;
        try (Claim c = claim("a@example.org", "b@example.net", "c@example.net")) {
            id = c.id();
        }
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), PAST), id,
                new Attempt.PerRecipient(Map.of("b@example.net", TEMP, "c@example.net", Outcome.delivered()))));
        QueueEntry kept = entry(id);
        assertTrue(kept.delayWarned() != null, kept::toString);
        List<QueueEntry> dsns = reports();
        assertEquals(1, dsns.size(), entries()::toString);
        QueueEntry dsn = dsns.get(0);
        assertEquals(List.of("a@example.org"), dsn.recipients().stream().map(r -> r.address()).toList());
        assertEquals(new QueuedMessage.ReportOf(id, "delayed " + TEMP.line()), dsn.reportOf());
        DeliveryStatus ds = status(dsn);
        assertEquals(1, ds.getRecipientDSNCount(), "only the recipient still waiting");
        InternetHeaders r = ds.getRecipientDSN(0);
        assertEquals("rfc822; b@example.net", r.getHeader("Final-Recipient", ","));
        assertEquals("delayed", r.getHeader("Action", ","));
        assertEquals("4.2.0", r.getHeader("Status", ","));
        String giveUp = MessagePreparer.date(ZonedDateTime.ofInstant(kept.created().plus(Duration.ofDays(5)),
                ZoneId.systemDefault()));
        assertEquals(giveUp, r.getHeader("Will-Retry-Until", ","));

        // later runs (a new process each: a fresh queue and settlement) read that it was sent
        queue = MailQueue.open(dir.resolve("q"));
        for (int i = 0; i < 2; i++) {
            assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), PAST), id,
                    new Attempt.Whole(TEMP)));
        }
        assertEquals(1, reports().size(), entries()::toString);
        assertEquals(kept.delayWarned(), entry(id).delayWarned());
        assertEquals(3, entry(id).attempts());
    }

    @Test
    void noDelayWarningForTheNullSenderNorWhenOffNorWhenYoung() throws Exception {
        QueueId bounce;
        try (Claim c = claim("", "a@example.org")) {
            bounce = c.id();
        }
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), PAST), bounce, new Attempt.Whole(TEMP)));
        QueueId off;
        try (Claim c = claim("a@example.org", "b@example.net")) {
            off = c.id();
        }
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), Duration.ZERO), off,
                new Attempt.Whole(TEMP)));
        QueueId young;
        try (Claim c = claim("a@example.org", "b@example.net")) {
            young = c.id();
        }
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5)), young, new Attempt.Whole(TEMP)));
        assertEquals(3, entries().size(), entries()::toString);
        for (QueueEntry e : entries()) {
            assertEquals(null, e.delayWarned(), e::toString);
        }
    }

    @Test
    void aDelayWarningThatCannotBeQueuedLeavesTheMessageAsItWasAndIsTriedAgain() throws Exception {
        QueueId id;
        try (Claim c = claim("a@example.org", "b@example.net")) {
            id = c.id();
        }
        Path tmp = dir.resolve("q").resolve("tmp");
        Files.delete(tmp);
        Files.writeString(tmp, "not a directory: nothing can be queued"); // the notice cannot be written
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), PAST), id, new Attempt.Whole(TEMP)));
        QueueEntry e = entry(id);
        assertEquals(QueueEntry.Status.QUEUED, e.status());
        assertEquals(1, e.attempts());
        assertEquals(null, e.delayWarned(), "not recorded as warned");
        assertEquals(List.of(), reports());

        Files.delete(tmp);
        Files.createDirectory(tmp);
        assertEquals(Settlement.Result.DEFERRED, settle(config(Duration.ofDays(5), PAST), id, new Attempt.Whole(TEMP)));
        assertTrue(entry(id).delayWarned() != null, entries()::toString);
        assertEquals(1, reports().size(), entries()::toString);
    }

    @Test
    void aBounceThatFailsTooStaysInFailedWithBothReasons() throws Exception {
        QueueId id;
        try (Claim c = claim("a@example.org", "b@example.net")) {
            id = c.id();
        }
        assertEquals(Settlement.Result.BOUNCED, settle(config(Duration.ofDays(5)), id, new Attempt.Whole(PERM)));
        QueueEntry dsn = reports().get(0);
        assertEquals(new QueuedMessage.ReportOf(id, "failed " + PERM.line()), dsn.reportOf());
        Outcome refused = Outcome.permanent(Outcome.Cause.RELAY, "5.7.1", "relay: 550 recipient not allowed");
        assertEquals(Settlement.Result.FAILED, settle(config(Duration.ofDays(5)), dsn.id(), new Attempt.Whole(refused)));
        QueueEntry stuck = entry(dsn.id());
        assertEquals(QueueEntry.Status.FAILED, stuck.status());
        assertEquals("relay: 550 recipient not allowed", stuck.recipients().get(0).text());
        assertEquals("failed 5.1.1 relay: 550 no such user", stuck.reportOf().reason());
        assertEquals(QueueEntry.Status.FAILED, entry(id).status(), "the original stays in failed/ too");
        assertEquals(2, entries().size(), "no bounce of the bounce");
    }

    @Test
    void configProblemsRetryAtTheShortestDelay() throws Exception {
        try (Claim c = claim("a@example.org", "b@example.net")) {
            new Settlement(config(Duration.ofDays(5)), queue, "example.org").apply(c, "plain", new Attempt.Whole(
                    Outcome.temporary(Outcome.Cause.CONFIG, "4.3.5", "no relay configured")));
        }
        QueueEntry e = entries().get(0);
        assertEquals(QueueEntry.Status.QUEUED, e.status());
        assertTrue(!e.nextAttempt().isAfter(Instant.now().plus(ClientConfig.defaults().retryMin())), e::toString);
    }
}
