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

    @Test
    void aFarSidesReplyMapsThroughTheSameTable() {
        assertEquals(SysExit.OK, SysExit.ofReply(250, "2.0.0"));
        assertEquals(SysExit.OK, SysExit.ofReply(251, null));
        assertEquals(SysExit.TEMPFAIL, SysExit.ofReply(450, "4.2.0"));
        assertEquals(SysExit.TEMPFAIL, SysExit.ofReply(421, null));
        assertEquals(SysExit.TEMPFAIL, SysExit.ofReply(100, null), "nonsense keeps the mail");
        assertEquals(SysExit.NOUSER, SysExit.ofReply(550, "5.1.1"));
        assertEquals(SysExit.NOHOST, SysExit.ofReply(550, "5.1.2"));
        assertEquals(SysExit.NOUSER, SysExit.ofReply(553, "5.1.3"), "other addressing statuses");
        assertEquals(SysExit.NOPERM, SysExit.ofReply(550, "5.7.1"));
        assertEquals(SysExit.NOPERM, SysExit.ofReply(550, "5.7.30"), "RFC 8689 REQUIRETLS");
        assertEquals(SysExit.PROTOCOL, SysExit.ofReply(554, "5.5.1"));
        assertEquals(SysExit.DATAERR, SysExit.ofReply(554, "5.6.3"));
        assertEquals(SysExit.UNAVAILABLE, SysExit.ofReply(552, "5.3.4"));
        assertEquals(SysExit.UNAVAILABLE, SysExit.ofReply(552, "5.2.2"));
        assertEquals(SysExit.UNAVAILABLE, SysExit.ofReply(554, null));
        assertEquals(SysExit.UNAVAILABLE, SysExit.ofReply(554, "4.0.0"), "a class that disagrees: the code decides");
        for (SysExit e : SysExit.values()) {
            if (e != SysExit.OK && !e.isTemporary() && e != SysExit.NOINPUT) {
                assertEquals(e, SysExit.ofReply(550, e.status()), "each permanent status maps back to its code");
            }
        }
    }
}
