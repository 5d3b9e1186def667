package net.rsendmail.queue;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Concurrency-test runner: picks up, claims and "delivers" to a sink file (one line per
 * recipient). Some first attempts deliver only the first recipient and defer the rest. Exits
 * once the stop file exists and nothing is left anywhere.
 */
public final class RunnerChild {
    private RunnerChild() {
    }

    public static void main(String[] args) throws Exception {
        MailQueue q = MailQueue.open(Path.of(args[0]));
        Path stop = Path.of(args[2]);
        int missed = 0;
        int delivered = 0;
        try (FileOutputStream sink = new FileOutputStream(args[1], true)) {
            while (true) {
                q.pickup();
                q.recoverStaleClaims(Duration.ofMinutes(10));
                List<QueueId> due = q.due(Instant.now());
                for (QueueId id : due) {
                    Optional<Claim> oc = q.claim(id);
                    if (oc.isEmpty()) {
                        missed++;
                        continue;
                    }
                    try (Claim c = oc.get()) {
                        byte[] body;
                        try (InputStream in = c.openBody()) {
                            body = in.readAllBytes();
                        }
                        String[] head = new String(body, 0, 40, StandardCharsets.US_ASCII).split("[ \r]");
                        int w = Integer.parseInt(head[1]);
                        int i = Integer.parseInt(head[2]);
                        if (!Arrays.equals(body, TestSupport.body(w, i, WriterChild.size(i)))) {
                            throw new AssertionError("body of " + id + " differs");
                        }
                        List<String> pending = c.message().pendingRecipients();
                        boolean partial = c.message().attempts() == 0 && pending.size() > 1 && i % 3 == 0;
                        Map<String, RecipientResult> r = new HashMap<>();
                        for (String a : pending) {
                            if (partial && !a.equals(pending.get(0))) {
                                r.put(a, RecipientResult.temporary("4.2.1", "try later"));
                            } else {
                                sink.write((id + " " + a + "\n").getBytes(StandardCharsets.US_ASCII));
                                r.put(a, RecipientResult.delivered());
                            }
                        }
                        c.delivered(r, Instant.now());
                        delivered++;
                    }
                }
                if (due.isEmpty()) {
                    if (Files.exists(stop) && q.list().isEmpty() && q.maildropBacklog() == 0) {
                        break;
                    }
                    Thread.sleep(5);
                }
            }
        }
        ChildOut.line("DONE attempts=" + delivered + " lost-races=" + missed);
    }
}
