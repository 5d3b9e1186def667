package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteCommandTest {
    @Test
    void quotesEveryWord() {
        assertEquals("rsendmail -f 'a@b.org' -- 'c@d.org' 'e@f.org'",
                RemoteCommand.build("rsendmail", "a@b.org", List.of("c@d.org", "e@f.org")));
    }

    @Test
    void nullSenderIsEmptyWord() {
        assertEquals("rsendmail -f '' -- 'c@d.org'", RemoteCommand.build("rsendmail", "", List.of("c@d.org")));
    }

    @Test
    void singleQuoteInsideAnAddress() {
        assertEquals("'o'\\''brien@x.org'", RemoteCommand.quote("o'brien@x.org"));
    }

    @Test
    void refusesWhatCannotBeSent() {
        assertThrows(IllegalArgumentException.class, () -> RemoteCommand.build("rsendmail", "a@b", List.of()));
        assertThrows(IllegalArgumentException.class, () -> RemoteCommand.quote("a\nb"));
        assertThrows(IllegalArgumentException.class, () -> RemoteCommand.build("rsendmail", "a@b", List.of("")));
    }
}
