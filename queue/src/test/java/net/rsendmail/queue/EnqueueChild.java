package net.rsendmail.queue;

import java.nio.file.Path;
import java.util.List;

/** Crash-test child: enqueues messages as fast as it can and reports each one that returned. */
public final class EnqueueChild {
    private EnqueueChild() {
    }

    public static void main(String[] args) throws Exception {
        MailQueue q = MailQueue.open(Path.of(args[0]));
        long seed = Long.parseLong(args[1]);
        // warm up (class loading, entropy, JIT) elsewhere, so that kills land in real enqueues
        MailQueue warm = MailQueue.open(Path.of(args[0] + "-warm"));
        for (int i = 0; i < 3; i++) {
            warm.enqueue(new Envelope("", List.of("w@x")), TestSupport.in(TestSupport.body(seed, -1, 100_000)));
        }
        ChildOut.line("READY");
        for (int i = 0; i < 5000; i++) {
            byte[] b = TestSupport.body(seed, i, TestSupport.sizeOf(seed, i));
            QueueId id = q.enqueue(new Envelope("s@example.org", List.of("m" + i + "@x", "seed" + seed + "@x")),
                    TestSupport.in(b));
            ChildOut.line("OK " + id + " " + i);
        }
        ChildOut.line("END");
    }
}
