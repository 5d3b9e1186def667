package net.rsendmail.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class UtcTimeTest {
    @Test
    void matchesJavaTime() {
        Random rnd = new Random(1);
        long[] fixed = {0, 1, 999, 86_399_999, 951_782_400_000L /* 2000-02-29 */, 4_102_444_800_000L, -1, -86_400_001};
        for (long ms : fixed) {
            assertEquals(expected(ms), UtcTime.format(ms), Long.toString(ms));
        }
        for (int i = 0; i < 20_000; i++) {
            long ms = rnd.nextLong() % 8_000_000_000_000L;
            if (ms < 0) {
                ms = -ms;
            }
            assertEquals(expected(ms), UtcTime.format(ms));
        }
    }

    private static String expected(long ms) {
        String s = Instant.ofEpochMilli(ms).toString();
        // java.time leaves out zero fractions; the log always has milliseconds.
        if (!s.contains(".")) {
            s = s.replace("Z", ".000Z");
        }
        return s;
    }
}
