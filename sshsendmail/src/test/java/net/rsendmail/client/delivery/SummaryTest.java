package net.rsendmail.client.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;

class SummaryTest {

    @Test
    void exitIsTempfailWhileAnythingAttemptedIsDeferred() {
        assertEquals(SysExit.OK, new QueueRunner.Summary(0, 0, 0, 0).exit());
        assertEquals(SysExit.OK, new QueueRunner.Summary(3, 0, 1, 1).exit());
        assertEquals(SysExit.TEMPFAIL, new QueueRunner.Summary(3, 1, 0, 0).exit());
        assertEquals(75, new QueueRunner.Summary(0, 2, 0, 0).exit().code());
    }

    @Test
    void oneLine() {
        assertEquals("3 delivered, 1 deferred (next try in 2m), 0 bounced",
                new QueueRunner.Summary(3, 1, 0, 0).line(Duration.ofMillis(119_400).plusSeconds(1)));
        assertEquals("2 delivered, 0 deferred, 1 bounced", new QueueRunner.Summary(2, 0, 1, 0).line(Duration.ofMinutes(5)));
        assertEquals("0 delivered, 0 deferred, 0 bounced", new QueueRunner.Summary(0, 0, 0, 0).line(null));
        assertEquals("0 delivered, 1 deferred (next try in 90s), 0 bounced, 1 failed (kept in failed/)",
                new QueueRunner.Summary(0, 1, 0, 1).line(Duration.ofSeconds(90)));
    }
}
