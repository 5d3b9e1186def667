package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueIdTest {

    @Test
    void generatedIdsAreUniqueStrictlyIncreasingAndCloseToNow() {
        Instant before = Instant.now().minusMillis(1);
        List<QueueId> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            ids.add(QueueId.generate());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            assertTrue(seen.add(ids.get(i).value()));
            if (i > 0) {
                assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, "ids sort by creation within a process");
            }
        }
        Instant t = ids.get(0).timestamp();
        assertTrue(!t.isBefore(before) && Duration.between(t, Instant.now()).toSeconds() < 60, t.toString());
    }

    @Test
    void idsAreXtextAndFileNameSafe() {
        for (int i = 0; i < 1000; i++) {
            String v = QueueId.generate().value();
            assertEquals(QueueId.LENGTH, v.length());
            for (char c : v.toCharArray()) {
                // RFC 3461 section 4: xtext chars are "!" to "~" except "+" and "="; no escaping needed
                assertTrue(c >= '!' && c <= '~' && c != '+' && c != '=', v);
                assertTrue(c != '/' && c != '.' && c != '\\', v);
            }
            assertTrue(v.length() <= 100, "RFC 3461 limits ENVID to 100 characters");
            assertFalse(v.startsWith("-"));
        }
    }

    @Test
    void parseAcceptsExactlyTheFormat() {
        String ok = "20251122T021300123456Z-0123456789abcdefuv"
                .substring(0, 23) + "0123456789abcdef";
        assertEquals(ok, QueueId.parse(ok).toString());
        assertEquals(Instant.parse("2025-11-22T02:13:00.123456Z"), QueueId.parse(ok).timestamp());
        for (String bad : new String[] {"", "x", ok + "0", ok.substring(1), ok.replace('T', 't'),
                ok.replace('Z', 'z'), ok.replace('a', 'A'), ok.replace('a', 'w'), ok.replace('-', '.'),
                ok.replace('0', '/'), "../../../../etc/passwd-aaaaaaaaaaaaaaaa", ok.replace('1', ' ')}) {
            assertFalse(QueueId.isValid(bad), bad);
            assertThrows(IllegalArgumentException.class, () -> QueueId.parse(bad));
        }
        assertThrows(NullPointerException.class, () -> new QueueId(null));
    }
}
