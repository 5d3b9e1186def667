package net.rsendmail.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CertificateWindowTest {
    private static final Instant NOW = Instant.parse("2026-12-02T02:00:00Z");
    private static final long T = NOW.getEpochSecond();

    @Test
    void afterIsIncludedBeforeIsNot() {
        assertNull(CertificateWindow.outside(T, T + 1, NOW));
        assertEquals("expired at 2026-12-02T02:00:00Z", CertificateWindow.outside(T - 5, T, NOW));
        assertEquals("not valid before 2026-12-02T02:00:01Z", CertificateWindow.outside(T + 1, T + 9, NOW));
    }

    /** ssh-keygen without -V: from 0 to 2^64-1, which a signed long holds as -1. */
    @Test
    void timesAreUnsigned() {
        assertNull(CertificateWindow.outside(0, -1, NOW));
        assertEquals("not valid before forever", CertificateWindow.outside(-1, -1, NOW));
        assertEquals("not valid before forever", CertificateWindow.outside(Long.MAX_VALUE, -1, NOW));
    }
}
