package net.rsendmail.queue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Queue speed, run by bench/queue-bench.sh: median time of a durable in-process enqueue of a
 * 5 kB message, and claims per second on a 1000-message queue. Not a test: no assertions.
 *
 * <p>Arguments: [DIR] [ENQUEUE_RUNS] [CLAIM_ROUNDS]; DIR defaults to a new directory in $TMPDIR or /var/tmp.
 */
public final class QueueBench {
    private QueueBench() {
    }

    public static void main(String[] args) throws Exception {
        Path base = args.length > 0 ? Path.of(args[0])
                : Files.createTempDirectory(Path.of(System.getenv().getOrDefault("TMPDIR", "/var/tmp")), "queue-bench-");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        try {
            System.out.printf("queue bench in %s (%s)%n", base, Files.getFileStore(base).type());
            byte[] msg = TestSupport.body(1, 1, 5 * 1024);
            Envelope env = new Envelope("sender@example.org", List.of("rcpt@example.net"));

            MailQueue q = MailQueue.open(base.resolve("enqueue"));
            for (int i = 0; i < 50; i++) { // warm-up
                q.enqueue(env, new ByteArrayInputStream(msg));
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                q.enqueue(env, new ByteArrayInputStream(msg));
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("enqueue 5 kB, durable: median %.3f ms (p10 %.3f, p90 %.3f, %d runs)%n",
                    median(ms), ms[runs / 10], ms[runs * 9 / 10], runs);

            MailQueue c = MailQueue.open(base.resolve("claim"));
            for (int i = 0; i < 1000; i++) {
                c.enqueue(env, new ByteArrayInputStream(msg));
            }
            double[] rate = new double[rounds];
            double[] cycle = new double[rounds];
            double[] dueMs = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long d0 = System.nanoTime();
                List<QueueId> due = c.due(Instant.now());
                dueMs[r] = (System.nanoTime() - d0) / 1e6;
                List<Claim> held = new ArrayList<>(due.size());
                long t0 = System.nanoTime();
                for (QueueId id : due) {
                    Optional<Claim> k = c.claim(id);
                    held.add(k.orElseThrow());
                }
                long t1 = System.nanoTime();
                for (Claim k : held) {
                    k.close();
                }
                long t2 = System.nanoTime();
                rate[r] = due.size() / ((t1 - t0) / 1e9);
                cycle[r] = due.size() / ((t2 - t0) / 1e9);
            }
            Arrays.sort(rate);
            Arrays.sort(cycle);
            Arrays.sort(dueMs);
            System.out.printf("claim on a 1000-message queue: median %.0f claims/s (min %.0f, max %.0f, %d rounds)%n",
                    median(rate), rate[0], rate[rounds - 1], rounds);
            System.out.printf("  claim + release unchanged: median %.0f cycles/s; due() over 1000 entries: median %.1f ms%n",
                    median(cycle), median(dueMs));
        } finally {
            if (args.length == 0) {
                Fs.deleteTreeQuietly(base);
            }
        }
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
