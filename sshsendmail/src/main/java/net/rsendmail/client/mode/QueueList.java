package net.rsendmail.client.mode;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.rsendmail.config.Durations;
import net.rsendmail.client.dkim.DkimSigner;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueEntry;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.RecipientState;

/** {@code sshsendmail -bp}: the queue, like mailq, oldest first. */
public final class QueueList {
    private QueueList() {
    }

    public static void print(MailQueue q, PrintStream out, Instant now) throws QueueException {
        List<QueueEntry> entries = q.list();
        int drop = q.maildropBacklog();
        if (entries.isEmpty() && drop == 0) {
            out.println("Mail queue is empty");
            return;
        }
        out.printf("%-39s %-8s %9s %6s  %s%n", "Queue ID", "Status", "Size", "Age", "Sender / Recipients");
        long bytes = 0;
        for (QueueEntry e : entries) {
            bytes += e.size();
            String status = e.status() == QueueEntry.Status.CLAIMED ? "sending" : e.status().name().toLowerCase();
            byte[] head = q.messageHead(e.id(), 64 * 1024);
            out.printf("%-39s %-8s %9d %6s  <%s>%s%n", e.id(), status, e.size(), Durations.approximate(e.age(now)),
                    e.sender(), head == null ? "" : " " + DkimSigner.describe(head));
            for (RecipientState r : e.recipients()) {
                out.printf("%58s  <%s>%s%n", "", r.address(), r.state() == RecipientState.State.FAILED
                        ? " failed " + r.status() + " " + r.text() : "");
            }
            if (e.attempts() > 0 || !e.lastError().isEmpty()) {
                String next = e.status() == QueueEntry.Status.QUEUED
                        ? ", next try in " + Durations.approximate(Duration.between(now, e.nextAttempt())) : "";
                out.printf("%58s  attempts %d%s: %s %s%n", "", e.attempts(), next, e.lastStatus(), e.lastError());
            }
            if (e.delayWarned() != null) {
                out.printf("%58s  sender warned of the delay %s ago%n", "",
                        Durations.approximate(Duration.between(e.delayWarned(), now)));
            }
            if (e.reportOf() != null) {
                // a DSN: what became of the message it reports on, next to its own fate above
                out.printf("%58s  DSN for %s: %s%n", "", e.reportOf().original(), e.reportOf().reason());
            }
        }
        out.printf("-- %d message(s), %d bytes%s%n", entries.size(), bytes,
                drop > 0 ? "; " + drop + " waiting in the maildrop" : "");
    }
}
