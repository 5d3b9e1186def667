package net.rsendmail.client.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Retry delays: {@code min · 2^(attempt-1)}, capped at {@code max}, then spread by ±20 % jitter so
 * that messages deferred together do not all come back in the same second.
 */
public record Backoff(Duration min, Duration max) {

    /** Delay before the next try after {@code attempts} failed attempts (1 = the first failure). */
    public Duration after(int attempts) {
        return jitter(base(attempts), ThreadLocalRandom.current().nextDouble(-0.2, 0.2));
    }

    /** The delay without jitter. */
    public Duration base(int attempts) {
        long minMs = min.toMillis();
        long maxMs = max.toMillis();
        int shift = Math.max(0, Math.min(attempts - 1, 40));
        long ms = minMs << shift;
        if (ms <= 0 || ms > maxMs || (ms >> shift) != minMs) {
            ms = maxMs;
        }
        return Duration.ofMillis(ms);
    }

    static Duration jitter(Duration base, double fraction) {
        long ms = base.toMillis();
        return Duration.ofMillis(Math.max(1000, ms + (long) (ms * fraction)));
    }
}
