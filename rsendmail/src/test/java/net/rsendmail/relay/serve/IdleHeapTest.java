package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleHeapTest {
    @Test
    void collectsOnceAfterEachQuietSpellThatFollowsUseAndNeverWhileAConnectionIsOpen() throws Exception {
        AtomicInteger open = new AtomicInteger();
        AtomicInteger whileOpen = new AtomicInteger();
        Semaphore collected = new Semaphore(0);
        IdleHeap h = new IdleHeap(50, () -> {
            if (open.get() > 0) {
                whileOpen.incrementAndGet();
            }
            collected.release();
        });
        Thread t = new Thread(h);
        t.setDaemon(true);
        t.start();
        for (int spell = 0; spell < 3; spell++) {
            open.incrementAndGet();
            h.opened();
            open.incrementAndGet();
            h.opened();
            open.decrementAndGet();
            h.closed();
            open.decrementAndGet();
            h.closed();
            assertTrue(collected.tryAcquire(10, TimeUnit.SECONDS), "no collection after quiet spell " + spell);
        }
        t.interrupt();
        t.join(10_000);
        assertEquals(0, collected.availablePermits(), "one collection per quiet spell");
        assertEquals(0, whileOpen.get());
    }
}
