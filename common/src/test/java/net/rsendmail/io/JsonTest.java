package net.rsendmail.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void everyControlCharacterIsEscaped() {
        for (char c = 0; c < 0x20; c++) {
            String j = Json.string(String.valueOf(c));
            assertEquals(String.format("\"\\u%04x\"", (int) c), j, "char " + (int) c);
        }
        assertEquals("\"\\u007f\\u2028\\u2029\"", Json.string("\u007f\u2028\u2029"));
    }

    @Test
    void quotesAndBackslashesAreEscapedTheRestKept() {
        assertEquals("\"a\\\"b\\\\c/é→\uD83D\uDCE7\"", Json.string("a\"b\\c/é→\uD83D\uDCE7"));
        assertEquals("\"\"", Json.string(""));
    }

    @Test
    void objectsKeepTheirOrderAndNest() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("z", 1);
        m.put("a", List.of(Map.of("k", "v"), true, 5L));
        m.put("n", null);
        m.put("q\"", "x");
        assertEquals("{\"z\":1,\"a\":[{\"k\":\"v\"},true,5],\"n\":null,\"q\\\"\":\"x\"}", Json.object(m));
    }

    @Test
    void otherTypesAreRefusedNotGuessed() {
        assertThrows(IllegalArgumentException.class, () -> Json.object(Map.of("d", 1.5)));
    }
}
