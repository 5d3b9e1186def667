package net.rsendmail.relay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellWordsTest {

    @Test
    void splitsOnBlanks() throws Refusal {
        assertEquals(List.of("rsendmail", "-f", "a@x.org", "b@y.org"),
                ShellWords.split("  rsendmail\t-f a@x.org   b@y.org "));
        assertEquals(List.of(), ShellWords.split("   "));
    }

    @Test
    void quotesFollowPosixRules() throws Refusal {
        assertEquals(List.of("sendmail", "o'brien@x.ie"), ShellWords.split("sendmail \"o'brien@x.ie\""));
        assertEquals(List.of("sendmail", "o'brien@x.ie"), ShellWords.split("sendmail o\\'brien@x.ie"));
        assertEquals(List.of("sendmail", "a b"), ShellWords.split("sendmail 'a b'"));
        assertEquals(List.of("sendmail", "ab"), ShellWords.split("sendmail a'b'"));
        assertEquals(List.of("sendmail", ""), ShellWords.split("sendmail ''"));
        assertEquals(List.of("sendmail", "a\"b"), ShellWords.split("sendmail \"a\\\"b\""));
        assertEquals(List.of("sendmail", "a\\nb"), ShellWords.split("sendmail \"a\\nb\""));
        assertEquals(List.of("sendmail", "-bp"), ShellWords.split("sendmail '-bp'"));
        assertEquals(List.of("sendmail", "(x)*?"), ShellWords.split("sendmail '(x)*?'"));
        assertEquals(List.of("sendmail", "-f", "<>", "<b@y.org>"), ShellWords.split("sendmail -f '<>' \"<b@y.org>\""));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "sendmail a@x.org; id", "sendmail -f <> b@y.org", "sendmail a@x.org | nc", "sendmail a@x.org && id", "sendmail a@x.org &",
        "sendmail $HOME", "sendmail '$HOME'", "sendmail \"$(id)\"", "sendmail `id`", "sendmail '`id`'",
        "sendmail < /etc/passwd", "sendmail a@x.org > /tmp/x", "sendmail a@x.org\nid", "sendmail a@x.org\rid",
        "sendmail a\u0000b@x.org", "sendmail (id)", "sendmail a@x.org #c", "sendmail ~root", "sendmail *",
        "sendmail a?b", "sendmail [ab]", "sendmail {a,b}", "sendmail 'unterminated", "sendmail \"unterminated",
        "sendmail a\\", "sendmail a\u001bb@x.org", "sendmail a\u007fb@x.org", "sendmail \"a;b\"", "sendmail 'a|b'"
    })
    void refusesShellSyntax(String command) {
        Refusal r = assertThrows(Refusal.class, () -> ShellWords.split(command));
        assertEquals(SysExit.USAGE, r.exit());
        assertEquals(1, r.line().lines().count(), "one line: " + r.line());
    }
}
