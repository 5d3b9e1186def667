package net.rsendmail.smtp;

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
}
