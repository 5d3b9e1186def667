package net.rsendmail.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplyTest {
    @Test
    void replyParsing() throws LmtpException {
        Reply r = Reply.parse("550 5.7.1 sender not allowed");
        assertEquals(550, r.code());
        assertEquals("5.7.1", r.status());
        assertEquals("sender not allowed", r.text());
        assertEquals("4.0.0", Reply.parse("451 try later").statusOrDefault());
        assertEquals(250, Reply.parse("250").code());
    }

    @Test
    void aFarSidesResponseKeepsItsCodeStatusAndLastLine() {
        assertEquals(new Reply(250, "2.0.0", "Ok: queued as 4Xyz"), Reply.ofResponse(250, "250 2.0.0 Ok: queued as 4Xyz"));
        assertEquals(new Reply(550, "5.1.1", "<b@x>: no"), Reply.ofResponse(550, "550-5.1.1 first\n550 5.1.1 <b@x>: no"));
        assertEquals(new Reply(451, null, "try later"), Reply.ofResponse(451, "451 try later\r\n"));
        assertEquals(new Reply(452, null, "garbage"), Reply.ofResponse(452, "garbage"), "unparsable text: the code stays");
        assertEquals(451, Reply.ofResponse(-1, "").code(), "no reply (connection gone): temporary");
        assertEquals("4.4.0", Reply.ofResponse(999, "999 what").status());
        assertEquals(new Reply(550, null, "551 4.1.1 x"), Reply.ofResponse(550, "551 4.1.1 x"),
                "a line whose code disagrees is text");
    }

    @Test
    void theLinePassedOnIsOneLineWithAStatusOfTheSameClass() {
        assertEquals("550 5.1.1 no such user", new Reply(550, "5.1.1", "no such user").line());
        assertEquals("451 4.0.0 x", new Reply(451, null, "x").line());
        assertEquals("550 5.0.0 x", new Reply(550, "4.1.1", "x").line(), "RFC 3463 §3.1: classes agree");
        assertEquals("550 5.0.0 a\\x0d\\x0a250 forged", new Reply(550, null, "a\r\n250 forged").line(),
                "no line end from the far side reaches our client");
        assertTrue(new Reply(250, "2.0.0", "y".repeat(2000)).line().length() < 512, "RFC 5321 §4.5.3.1.5");
    }
}
