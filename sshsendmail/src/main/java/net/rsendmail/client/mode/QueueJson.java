package net.rsendmail.client.mode;

import java.io.PrintStream;
import net.rsendmail.io.Json;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.RecipientState;

/**
 * {@code sshsendmail -bp --json}: one JSON object per message and line, with the fields of
 * Postfix's {@code postqueue -j} (postqueue(1), "JSON OBJECT FORMAT"), so tools written for it read
 * this queue too. queue_name: {@code active} (new, or being delivered), {@code deferred} (tried
 * before), {@code hold} (given up, kept in failed/). Maildrop submissions are not listed: the
 * owner's next run takes them in (plain {@code -bp} counts them).
 */
public final class QueueJson {
    private QueueJson() {
    }

    public static void print(MailQueue q, PrintStream out) throws QueueException {
        for (QueueEntry e : q.list()) {
            out.print(line(e));
            out.print('\n');
        }
        out.flush();
    }

    static String line(QueueEntry e) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"queue_name\": ").append(Json.string(queueName(e)));
        b.append(", \"queue_id\": ").append(Json.string(e.id().toString()));
        b.append(", \"arrival_time\": ").append(e.created().getEpochSecond());
        b.append(", \"message_size\": ").append(e.size());
        b.append(", \"forced_expire\": false");
        b.append(", \"sender\": ").append(Json.string(e.sender()));
        b.append(", \"recipients\": [");
        boolean first = true;
        for (RecipientState r : e.recipients()) {
            b.append(first ? "" : ", ").append("{\"address\": ").append(Json.string(r.address()));
            String reason = delayReason(e, r);
            if (!reason.isEmpty()) {
                b.append(", \"delay_reason\": ").append(Json.string(reason));
            }
            b.append('}');
            first = false;
        }
        return b.append("]}").toString();
    }

    static String queueName(QueueEntry e) {
        switch (e.status()) {
            case FAILED: return "hold";
            case CLAIMED: return "active";
            default: return e.attempts() > 0 ? "deferred" : "active";
        }
    }

    /** The recipient's own last reply, else the message's last error once it was tried; "" before. */
    private static String delayReason(QueueEntry e, RecipientState r) {
        String own = (r.status() + " " + r.text()).trim();
        if (!own.isEmpty()) {
            return own;
        }
        return e.attempts() > 0 ? (e.lastStatus() + " " + e.lastError()).trim() : "";
    }
}
