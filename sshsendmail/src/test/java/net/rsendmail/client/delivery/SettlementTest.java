package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.queue.Claim;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one settlement step, on a real queue directory: the same rules for whole and per-recipient attempts. */
class SettlementTest {
    @TempDir
    Path dir;

    private static final Outcome TEMP = Outcome.temporary(Outcome.Cause.RELAY, "4.2.0", "relay: 450 busy");
    private static final Outcome PERM = Outcome.permanent(Outcome.Cause.RELAY, "5.1.1", "relay: 550 no such user");

    private static ClientConfig config(Duration lifetime) {
        ClientConfig d = ClientConfig.defaults();
        return new ClientConfig(null, List.of(), null, null, d.knownHosts(), d.queue(), "example.org", "rsendmail",
                d.connectTimeout(), d.authTimeout(), d.commandTimeout(), lifetime, d.retryMin(), d.retryMax(),
                d.idleTimeout(), "none", false, d.batch(), d.dkim());
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
