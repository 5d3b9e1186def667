package net.rsendmail.queue;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Crash-test child: a delivery runner doing a random operation on each message. It prints
 * "C id" after claiming, "I op id" before and "E op id" after each operation, so the parent
 * knows which states are allowed after the kill.
 */
public final class DeliverChild {
    private DeliverChild() {
    }

    public static void main(String[] args) throws Exception {
        MailQueue q = MailQueue.open(Path.of(args[0]));
        Random rnd = new Random(Long.parseLong(args[1]));
        MailQueue warm = MailQueue.open(Path.of(args[0] + "-warm"));
        for (int i = 0; i < 3; i++) {
            QueueId w = warm.enqueue(new Envelope("", List.of("w@x", "v@x")), TestSupport.in(new byte[1000]));
            try (Claim c = warm.claim(w).orElseThrow()) {
                c.openBody().readAllBytes();
                c.delivered(Map.of("w@x", RecipientResult.delivered()), Instant.now());
            }
            warm.claim(w).orElseThrow().defer("4.4.1", "x", Instant.now());
            warm.claim(w).orElseThrow().remove();
            warm.due(Instant.now());
        }
        ChildOut.line("READY");
        for (int round = 0; round < 50; round++) {
            List<QueueId> due = q.due(Instant.now());
            if (due.isEmpty()) {
                break;
            }
            for (QueueId id : due) {
                Optional<Claim> oc = q.claim(id);
                if (oc.isEmpty()) {
                    continue;
                }
                Claim c = oc.get();
                ChildOut.line("C " + id);
                try (InputStream in = c.openBody()) {
                    in.readAllBytes(); // "send" it
                }
                List<String> pending = c.message().pendingRecipients();
                int op = rnd.nextInt(6);
                switch (op) {
                    case 0 -> {
                        ChildOut.line("I D " + id);
                        Map<String, RecipientResult> r = new HashMap<>();
                        pending.forEach(a -> r.put(a, RecipientResult.delivered()));
                        c.delivered(r, Instant.now());
                        ChildOut.line("E D " + id);
                    }
                    case 1 -> {
                        String first = pending.get(0);
                        ChildOut.line("I P " + id + " " + first);
                        Map<String, RecipientResult> r = new HashMap<>();
                        for (String a : pending) {
                            r.put(a, a.equals(first) ? RecipientResult.delivered()
                                    : RecipientResult.temporary("4.2.2", "mailbox full"));
                        }
                        c.delivered(r, Instant.now());
                        ChildOut.line("E P " + id + " " + first);
                    }
                    case 2 -> {
                        ChildOut.line("I F " + id);
                        c.defer("4.4.1", "relay unreachable", Instant.now());
                        ChildOut.line("E F " + id);
                    }
                    case 3 -> {
                        ChildOut.line("I X " + id);
                        Map<String, RecipientResult> r = new HashMap<>();
                        pending.forEach(a -> r.put(a, RecipientResult.permanent("5.1.1", "no such user")));
                        c.delivered(r, Instant.now());
                        ChildOut.line("E X " + id);
                    }
                    case 4 -> {
                        ChildOut.line("I R " + id);
                        c.remove();
                        ChildOut.line("E R " + id);
                    }
                    default -> {
                        ChildOut.line("I N " + id);
                        c.close();
                        ChildOut.line("E N " + id);
                    }
                }
            }
        }
        ChildOut.line("END");
    }
}
