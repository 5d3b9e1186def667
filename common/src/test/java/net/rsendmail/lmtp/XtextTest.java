package net.rsendmail.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class XtextTest {
    @Test
    void decodesAndEncodes() {
        assertEquals("a+b=c", Xtext.decode("a+2Bb+3Dc"));
        assertEquals("a+2Bb+3Dc", Xtext.encode("a+b=c"));
        assertEquals("x+20y", Xtext.encode("x y"));
        assertEquals("20261122T000102-9f3a", Xtext.encode("20261122T000102-9f3a"));
    }

    @Test
    void refusesWhatIsNotXtext() {
        assertNull(Xtext.decode("a=b"));
        assertNull(Xtext.decode("a+2"));
        assertNull(Xtext.decode("a+2b"));
        assertNull(Xtext.decode("a b"));
        assertNull(Xtext.decode("\u00e9"));
    }

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
