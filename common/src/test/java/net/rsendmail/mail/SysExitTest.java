package net.rsendmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SysExitTest {
    @Test
    void codesAreThoseOfSysexitsH() {
        int[] expected = {0, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78};
        SysExit[] all = SysExit.values();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], all[i].code());
            assertEquals(all[i], SysExit.of(expected[i]));
        }
        assertNull(SysExit.of(1));
        assertNull(SysExit.of(63));
        assertNull(SysExit.of(79));
        assertNull(SysExit.of(255));
        assertTrue(SysExit.TEMPFAIL.isTemporary());
    }

    @Test
    void refusalLinesStartWithTheirEnhancedStatus() {
        assertEquals("5.7.1 x", Refusal.policy("x").line());
        assertEquals(SysExit.NOPERM, Refusal.policy("x").exit());
        assertEquals(SysExit.USAGE, Refusal.usage("x").exit());
        assertEquals(SysExit.UNAVAILABLE, Refusal.tooBig("x").exit());
        assertEquals("5.3.4", Refusal.tooBig("x").status());
        assertEquals(SysExit.TEMPFAIL, Refusal.temporary("x").exit());
        assertEquals(SysExit.CONFIG, Refusal.config("x").exit());
        assertEquals(SysExit.DATAERR, Refusal.data("x").exit());
    }

    @Test
    void theTableStatusAgreesWithWhetherACodeIsTemporary() {
        for (SysExit e : SysExit.values()) {
            if (e == SysExit.OK) {
                assertEquals('2', e.status().charAt(0));
                continue;
            }
            assertEquals(e.isTemporary() ? '4' : '5', e.status().charAt(0), e.name());
            assertEquals(e.status(), new Refusal(e, "x").status(), "a refusal takes its code's status by default");
            assertEquals(e.isTemporary(), new Refusal(e, "x").isTemporary());
        }
        assertTrue(SysExit.CONFIG.isTemporary(), "a relay misconfiguration keeps the mail queued");
        assertEquals("5.7.1", SysExit.NOPERM.status());
    }
}
