package net.rsendmail.queue;

import java.nio.file.Path;
import java.util.List;

/** Concurrency-test writer: queues messages, every other one through the maildrop. */
public final class WriterChild {
    private WriterChild() {
    }

    static int size(int i) {
        return 1000 + (i * 37) % 4000;
    }

    public static void main(String[] args) throws Exception {
        MailQueue q = MailQueue.open(Path.of(args[0]));
        int w = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
            Envelope e = new Envelope("w" + w + "@x", List.of("w" + w + "m" + i + "a@x", "w" + w + "m" + i + "b@x"));
            byte[] b = TestSupport.body(w, i, size(i));
            QueueId id = i % 2 == 0 ? q.enqueue(e, TestSupport.in(b)) : Maildrop.submit(q.maildrop(), e, TestSupport.in(b));
            ChildOut.line("OK " + id);
        }
        ChildOut.line("END");
    }
}
