package net.rsendmail.client.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.rsendmail.client.outcome.Outcome.Cause;
import net.rsendmail.client.outcome.Outcome.Kind;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExitCodesTest {

    /** relay exit, relay stderr → kind, status, our sysexit, nullmailer code (SPEC §3.4). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0  |                                      | DELIVERED | 2.0.0 | 0  | 0",
        "75 | 4.3.0 sendmail failed                | TEMPORARY | 4.3.0 | 75 | 16",
        "75 | 4.7.0 rate limit reached             | TEMPORARY | 4.7.0 | 75 | 16",
        "78 | 4.3.5 relay configuration: x:1: bad  | TEMPORARY | 4.3.5 | 75 | 16",
        "77 | 5.7.1 sender not allowed for this key | PERMANENT | 5.7.1 | 77 | 34",
        "77 | 5.5.3 too many recipients            | PERMANENT | 5.5.3 | 77 | 34",
        "69 | 5.3.4 message too big                | PERMANENT | 5.3.4 | 69 | 35",
        "65 | 5.6.0 unparsable header              | PERMANENT | 5.6.0 | 65 | 35",
        "67 | 5.1.1 user unknown                   | PERMANENT | 5.1.1 | 67 | 34",
        "67 |                                      | PERMANENT | 5.1.1 | 67 | 34",
        "64 | 5.1.3 bad recipient                  | PERMANENT | 5.1.3 | 67 | 34",
        "64 | 5.5.4 unknown option                 | PERMANENT | 5.5.4 | 69 | 35",
        "64 | 5.1.7 bad sender                     | PERMANENT | 5.1.7 | 69 | 35",
        "68 |                                      | PERMANENT | 5.1.2 | 67 | 34",
        "71 |                                      | TEMPORARY | 4.3.0 | 75 | 16",
        "74 |                                      | TEMPORARY | 4.3.0 | 75 | 16",
        "1  | something broke                      | TEMPORARY | 4.4.2 | 75 | 16",
        "127| sh: rsendmail: not found             | TEMPORARY | 4.4.2 | 75 | 16",
        "255|                                      | TEMPORARY | 4.4.2 | 75 | 16",
        "75 | 5.7.1 contradicting class            | TEMPORARY | 4.3.0 | 75 | 16",
        "77 | 4.7.1 contradicting class            | PERMANENT | 5.7.1 | 77 | 34",
    })
    void relayExitCodes(int exit, String stderr, Kind kind, String status, int sysexit, int nullmailer) {
        Outcome o = ExitCodes.fromRelay(exit, stderr);
        assertEquals(kind, o.kind(), o::toString);
        assertEquals(status, o.status(), o::toString);
        assertEquals(sysexit, ExitCodes.sysexit(o).code(), o::toString);
        assertEquals(nullmailer, ExitCodes.nullmailer(o), o::toString);
        assertEquals(nullmailer >= 32, kind == Kind.PERMANENT);
    }

    @Test
    void relayTextIsKept() {
        Outcome o = ExitCodes.fromRelay(77, "5.7.1 sender not allowed for this key: x@y\n");
        assertEquals("5.7.1 relay: sender not allowed for this key: x@y", o.line());
    }

    /** SSH-level causes: all temporary (mail kept), told apart for nullmailer and the log. */
    @ParameterizedTest
    @CsvSource({
        "DNS, 75, 2", "REFUSED, 75, 7", "TIMEOUT, 75, 8", "UNREACHABLE, 75, 9", "HOST_KEY, 75, 10",
        "AUTH, 75, 10", "CHANNEL_LOST, 75, 11", "SSH, 75, 11", "CONFIG, 78, 18", "LOCAL_IO, 75, 13"})
    void sshCauses(Cause cause, int sysexit, int nullmailer) {
        Outcome o = Outcome.temporary(cause, "4.4.1", "x");
        assertEquals(sysexit, ExitCodes.sysexit(o).code());
        assertEquals(nullmailer, ExitCodes.nullmailer(o));
        assertTrue(nullmailer < 32);
    }

    @Test
    void postfixDefersOnOwnConfigProblems() {
        assertEquals(SysExit.TEMPFAIL, ExitCodes.postfix(SysExit.CONFIG));
        assertEquals(SysExit.NOPERM, ExitCodes.postfix(SysExit.NOPERM));
    }

    @Test
    void localRefusalsForNullmailer() {
        assertEquals(1, ExitCodes.nullmailer(SysExit.USAGE));
        assertEquals(18, ExitCodes.nullmailer(SysExit.CONFIG));
        assertEquals(35, ExitCodes.nullmailer(SysExit.DATAERR));
        assertEquals(16, ExitCodes.nullmailer(SysExit.TEMPFAIL));
    }

    @Test
    void lmtpRepliesAreReadByTheirCodeNotByAContradictingStatus() {
        assertTrue(ExitCodes.fromReply(new Reply(250, "2.1.5", "ok")).isDelivered());
        Outcome t = ExitCodes.fromReply(new Reply(451, "5.7.1", "contradicting"));
        assertTrue(t.isTemporary());
        assertEquals("4.0.0", t.status());
        Outcome p = ExitCodes.fromReply(new Reply(550, "5.1.1", "no such user"));
        assertTrue(p.isPermanent());
        assertEquals("5.1.1 relay: 550 no such user", p.line());
    }

    /** One recipient's LMTP reply → the exit codes the relay's plain mode would lead to (pipe, nullmailer). */
    @ParameterizedTest
    @CsvSource({
        "250, 2.1.5, 0, 0", "451, 4.3.0, 75, 16", "421, , 75, 16", "550, 5.1.1, 67, 34", "550, 5.1.7, 69, 35",
        "554, 5.7.1, 77, 34", "550, 5.5.3, 69, 35", "554, 5.6.0, 65, 35", "552, 5.3.4, 69, 35", "550, , 69, 35",
        "550, 4.7.1, 69, 35"})
    void lmtpRepliesForPipeAndNullmailer(int code, String status, int pipe, int nullmailer) {
        Outcome o = ExitCodes.fromReply(new Reply(code, status, "x"));
        assertEquals(pipe, ExitCodes.postfix(ExitCodes.sysexit(o)).code(), o::toString);
        assertEquals(nullmailer, ExitCodes.nullmailer(o), o::toString);
    }
}
