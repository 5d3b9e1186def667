package net.rsendmail.relay.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What serve's metrics count, from each request line's status (counts are process-wide: deltas). */
class RequestCountsTest {
    static long refusals(RequestCounts.Snapshot s, String exit, String status) {
        return s.refusals().getOrDefault(new RequestCounts.Refused(exit, status), 0L);
    }

    @Test
    void eachStatusIsCountedOnceInItsKind() {
        RequestCounts.Snapshot before = RequestCounts.snapshot();
        RequestCounts.count("sent");
        RequestCounts.count("sent");
        RequestCounts.count("duplicate");
        RequestCounts.count("refused 77 5.7.1 recipient not allowed for this key: eve@other.test");
        RequestCounts.count("refused 64 5.5.4 unknown option '-X'");
        RequestCounts.count("refused 77 5.7.1 sender not allowed for this key: x@y.org");
        RequestCounts.count("refused 75 4.7.0");
        RequestCounts.count("lost connection in DATA, nothing handed on");
        RequestCounts.count("exactly-once record not confirmed (No space left on device)");
        // a refusal line of another shape is counted, under no code a client could choose
        RequestCounts.count("refused 77 5.7.1\" evil=\"1");
        RequestCounts.count("refused 9999 5.7.1 x");
        RequestCounts.count("refused x");
        RequestCounts.Snapshot after = RequestCounts.snapshot();
        assertEquals(2, after.sent() - before.sent());
        assertEquals(1, after.duplicate() - before.duplicate());
        assertEquals(2, after.failed() - before.failed());
        assertEquals(2, refusals(after, "77", "5.7.1") - refusals(before, "77", "5.7.1"));
        assertEquals(1, refusals(after, "64", "5.5.4") - refusals(before, "64", "5.5.4"));
        assertEquals(1, refusals(after, "75", "4.7.0") - refusals(before, "75", "4.7.0"));
        assertEquals(3, refusals(after, "", "") - refusals(before, "", ""));
    }
}
