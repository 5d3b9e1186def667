package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void backoffDoublesUpToTheCeilingWithJitter() {
        Backoff b = new Backoff(java.time.Duration.ofMinutes(1), java.time.Duration.ofHours(1));
        assertEquals(60, b.base(1).toSeconds());
        assertEquals(120, b.base(2).toSeconds());
        assertEquals(3840, 64 * 60);
        assertEquals(3600, b.base(7).toSeconds());
        assertEquals(3600, b.base(1000).toSeconds());
        for (int i = 0; i < 100; i++) {
            long s = b.after(3).toSeconds();
            assertTrue(s >= 192 && s <= 288, "jitter out of range: " + s);
        }
    }
}
