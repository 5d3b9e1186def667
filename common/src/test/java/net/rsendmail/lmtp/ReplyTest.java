package net.rsendmail.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
