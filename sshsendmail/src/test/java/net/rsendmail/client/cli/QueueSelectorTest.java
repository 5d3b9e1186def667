package net.rsendmail.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import net.rsendmail.client.cli.CommandLine.Mode;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;
import net.rsendmail.queue.RecipientState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueueSelectorTest {
    static final QueueId ID = new QueueId("20260101T120000123456Z-0123456789abcdef");

    static QueuedMessage message(String sender, RecipientState... rcpts) {
        return new QueuedMessage(ID, sender, List.of(rcpts), 0, Instant.EPOCH, "", "", 0, Instant.EPOCH, 10);
    }

    static RecipientState pending(String address) {
        return new RecipientState(address, RecipientState.State.PENDING, "", "");
    }

    static QueueSelector parse(String word) throws Refusal {
        CommandLine c = CommandLineParser.parse(word);
        assertEquals(Mode.FLUSH, c.mode());
        return c.selector();
    }

    @Test
    void plainQAndIntervalsFlushEverything() throws Refusal {
        assertEquals(QueueSelector.ALL, parse("-q"));
        assertEquals(QueueSelector.ALL, parse("-q30m"));
        assertEquals(QueueSelector.ALL, CommandLineParser.parse("-v", "-q").selector());
        assertEquals(QueueSelector.ALL, CommandLineParser.parse("bob@example.org").selector());
        assertTrue(QueueSelector.ALL.selects(message("", pending("a@b.org"))));
        assertFalse(QueueSelector.ALL.excludes(ID));
    }

    @ParameterizedTest
    @CsvSource({
        "-qI0123456789abcdef, true", "-qI20260101t12, true", "-qI-0123, true", "-qIffff, false",
        "-qSalice@, true", "-qSALICE@EXAMPLE, true", "-qSbob, false",
        "-qRbob@, true", "-qRexample.NET, true", "-qRcarol, false"})
    void aSubstringOfTheIdSenderOrAPendingRecipientIgnoringCase(String word, boolean selected) throws Refusal {
        QueuedMessage m = message("alice@example.org", pending("bob@example.org"), pending("dave@example.net"),
                new RecipientState("carol@example.org", RecipientState.State.FAILED, "5.1.1", "unknown"));
        QueueSelector s = parse(word);
        assertEquals(selected, s.selects(m), word);
        assertEquals(word.toLowerCase(java.util.Locale.ROOT), s.argument().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void onlyAnIdSelectorRulesOutByTheIdAlone() throws Refusal {
        assertTrue(parse("-qIffff").excludes(ID));
        assertFalse(parse("-qIabcdef").excludes(ID));
        assertFalse(parse("-qRzzz").excludes(ID));
        assertFalse(parse("-qSzzz").excludes(ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-qI", "-qR", "-qS", "-qI../x", "-qIa b", "-qIa*", "-qI$(id)", "-qIä", "-qRa b",
        "-qS\u00a0x", "-q!Ifoo", "-qX", "-qQ", "-q30x"})
    void emptyOrHostileSelectorsAreOneUsageLine(String word) {
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse(word));
        assertEquals(SysExit.USAGE, r.exit());
        assertFalse(r.line().contains("\n"), r.line());
        assertTrue(r.line().startsWith("5.5.4 "), r.line());
    }

    @Test
    void longSelectorsAndTwoSelectorsAreRefused() {
        Refusal tooLong = assertThrows(Refusal.class, () -> CommandLineParser.parse("-qR" + "x".repeat(321)));
        assertTrue(tooLong.reason().contains("longer than 320"), tooLong.reason());
        Refusal two = assertThrows(Refusal.class, () -> CommandLineParser.parse("-qIabc", "-qRbob"));
        assertTrue(two.reason().contains("only one queue selector"), two.reason());
    }

    @Test
    void theEmptySelectorSaysWhatToGlue() {
        Refusal r = assertThrows(Refusal.class, () -> CommandLineParser.parse("-qI"));
        assertEquals("5.5.4 -qI needs a substring glued to it (e.g. -qI20260101T)", r.line());
    }
}
