package net.rsendmail.relay.policy;

import java.nio.file.Path;
import net.rsendmail.mail.Refusal;

/** Child process for the concurrency test: tries N acquisitions, prints how many passed. */
public final class RateLimiterChild {
    private RateLimiterChild() {
    }

    public static void main(String[] args) {
        RateLimiter r = new RateLimiter(Path.of(args[0]), "shared", Integer.parseInt(args[1]));
        int passed = 0;
        for (int i = 0; i < Integer.parseInt(args[2]); i++) {
            try {
                r.acquire(System.currentTimeMillis() / 1000);
                passed++;
            } catch (Refusal e) {
                // the window is full
            }
        }
        System.out.println(passed);
    }
}
