package net.rsendmail.client.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import net.rsendmail.queue.Envelope;
import org.junit.jupiter.api.Test;

class EnvelopeRulesTest {
    static String problem(String sender, String... rcpts) {
        return EnvelopeRules.problem(new Envelope(sender, List.of(rcpts)));
    }

    @Test
    void acceptsWhatTheRelayTakes() {
        assertNull(problem("alice@example.org", "bob@example.net", "c.d+tag@[192.0.2.1]", "grüße@bücher.example"));
        assertNull(problem("", "bob@example.net"), "the null sender");
    }

    @Test
    void refusesWhatTheRelayWouldRefuse() {
        assertEquals("recipient <-oQ/tmp@x>: address starts with '-'", problem("a@x.org", "b@x.org", "-oQ/tmp@x"));
        assertEquals("sender <-bp>: address starts with '-'", problem("-bp", "b@x.org"));
        assertEquals("recipient <root>: no domain", problem("a@x.org", "root"));
        assertEquals("recipient <\"q\"@x.org>: quoted local parts are not accepted", problem("a@x.org", "\"q\"@x.org"));
        assertEquals("recipient <a..b@x.org>: misplaced dot in local part", problem("a@x.org", "a..b@x.org"));
        assertEquals("recipient <a@-x.org>: domain label starts or ends with '-'", problem("a@x.org", "a@-x.org"));
        assertEquals("recipient <a@x.org@>: character '@' not allowed in local part", problem("a@x.org", "a@x.org@"));
        assertEquals("sender <a\u200b@x.org>: character U+200B not allowed in address", problem("a\u200b@x.org", "b@x.org"));
        assertEquals("recipient <" + "a".repeat(65) + "@x.org>: local part longer than 64 octets",
                problem("a@x.org", "a".repeat(65) + "@x.org"));
    }
}
