package net.rsendmail.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RepeatFilterTest {
    @Test
    void aRepeatIsWrittenAgainAfterTheWindowWithTheCountHeldBack() {
        RepeatFilter f = new RepeatFilter(java.time.Duration.ofMinutes(10));
        assertEquals("a", f.pass("k", 0, "a"));
        assertEquals(null, f.pass("k", 1_000, "a"));
        assertEquals(null, f.pass("k", 599_999, "a"));
        assertEquals("b", f.pass("other", 2_000, "b"));
        assertEquals("a (2 identical lines held back before this one)", f.pass("k", 600_000, "a"));
        assertEquals(null, f.pass("k", 600_001, "a"));
        assertEquals("a (1 identical lines held back before this one)", f.pass("k", 1_300_000, "a"));
        for (int i = 0; i < 300; i++) {
            f.pass("n" + i, 1_300_000, "x"); // only the most recent are remembered
        }
        assertEquals("a", f.pass("k", 1_300_001, "a"));
    }
}
