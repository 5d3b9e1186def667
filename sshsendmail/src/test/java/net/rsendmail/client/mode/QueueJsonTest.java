package net.rsendmail.client.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.RecipientState;
import net.rsendmail.io.Json;
import org.junit.jupiter.api.Test;

/** The postqueue -j objects of {@code -bp --json}, field by field; MetricsIT reads them with python3's json. */
class QueueJsonTest {
    static final QueueId ID = QueueId.parse("20261202T101500123456Z-0123456789abcdef");
    static final Instant ARRIVED = Instant.ofEpochSecond(1764670500L, 123_456_000);

    static QueueEntry entry(QueueEntry.Status status, int attempts, List<RecipientState> rcpts) {
        return new QueueEntry(ID, status, ARRIVED, 187, "alice@example.org", rcpts, attempts, ARRIVED, "4.4.1",
                "relay refused the connection", 0, 0, null, null);
    }

    @Test
    void aNewMessageIsActiveWithoutDelayReasons() {
        assertEquals("{\"queue_name\": \"active\", \"queue_id\": \"20261202T101500123456Z-0123456789abcdef\", "
                + "\"arrival_time\": 1764670500, \"message_size\": 187, \"forced_expire\": false, "
                + "\"sender\": \"alice@example.org\", \"recipients\": [{\"address\": \"bob@example.org\"}, "
                + "{\"address\": \"carol@example.net\"}]}",
                QueueJson.line(entry(QueueEntry.Status.QUEUED, 0,
                        List.of(RecipientState.pending("bob@example.org"), RecipientState.pending("carol@example.net")))));
    }

    @Test
    void aTriedMessageIsDeferredWithTheLastErrorOrTheRecipientsOwnReply() {
        String line = QueueJson.line(entry(QueueEntry.Status.QUEUED, 3, List.of(RecipientState.pending("bob@example.org"),
                new RecipientState("carol@example.net", RecipientState.State.PENDING, "4.2.2", "mailbox full"))));
        assertEquals("{\"queue_name\": \"deferred\", \"queue_id\": \"20261202T101500123456Z-0123456789abcdef\", "
                + "\"arrival_time\": 1764670500, \"message_size\": 187, \"forced_expire\": false, "
                + "\"sender\": \"alice@example.org\", \"recipients\": [{\"address\": \"bob@example.org\", "
                + "\"delay_reason\": \"4.4.1 relay refused the connection\"}, {\"address\": \"carol@example.net\", "
                + "\"delay_reason\": \"4.2.2 mailbox full\"}]}", line);
    }

    @Test
    void queueNames() {
        List<RecipientState> r = List.of(RecipientState.pending("bob@example.org"));
        assertEquals("active", QueueJson.queueName(entry(QueueEntry.Status.CLAIMED, 2, r)));
        assertEquals("hold", QueueJson.queueName(entry(QueueEntry.Status.FAILED, 1, r)));
        assertEquals("deferred", QueueJson.queueName(entry(QueueEntry.Status.QUEUED, 1, r)));
        assertEquals("active", QueueJson.queueName(entry(QueueEntry.Status.QUEUED, 0, r)));
    }

    @Test
    void theNullSenderIsAnEmptyString() {
        QueueEntry e = new QueueEntry(ID, QueueEntry.Status.QUEUED, ARRIVED, 1, "", List.of(), 0, ARRIVED, "", "", 0, 0,
                null, null);
        assertEquals(true, QueueJson.line(e).contains("\"sender\": \"\", \"recipients\": []"));
    }

    /** Relay replies are the relay's text: every character that could end the string or the line is escaped. */
    @Test
    void stringsEscapeQuotesBackslashesAndEveryControlCharacter() {
        assertEquals("\"a\\\"b\\\\c\"", Json.string("a\"b\\c"));
        assertEquals("\"\\u000a\\u000d\\u0000\\u001f\\u007f\\u2028\\u2029\"",
                Json.string("\n\r\u0000\u001f\u007f\u2028\u2029"));
        for (char c = 0; c < 0x20; c++) {
            assertEquals(String.format("\"\\u%04x\"", (int) c), Json.string(String.valueOf(c)));
        }
        assertEquals("\"Grüße ✓ /\"", Json.string("Grüße ✓ /"));
    }
}
