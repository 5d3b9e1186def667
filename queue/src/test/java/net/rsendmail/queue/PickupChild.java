package net.rsendmail.queue;

import java.nio.file.Path;
import java.util.List;

/** Crash-test child: picks up the maildrop until it is empty. */
public final class PickupChild {
    private PickupChild() {
    }

    public static void main(String[] args) throws Exception {
        MailQueue q = MailQueue.open(Path.of(args[0]));
        MailQueue warm = MailQueue.open(Path.of(args[0] + "-warm"));
        for (int i = 0; i < 3; i++) {
            Maildrop.submit(warm.maildrop(), new Envelope("", List.of("w@x")), TestSupport.in(new byte[5000]));
            warm.pickup();
        }
        ChildOut.line("READY");
        int n = 0;
        while (q.maildropBacklog() > 0) {
            n += q.pickup();
        }
        ChildOut.line("END " + n);
    }
}
