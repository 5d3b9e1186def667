package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyOptionsTest {
    private static List<String> names(KeyOptions.Parsed p) {
        List<String> out = new ArrayList<>();
        for (KeyOptions.Option o : p.options()) {
            out.add(o.value() == null ? o.name() : o.name() + "=" + o.value());
        }
        return out;
    }

    @Test
    void parsesNamesValuesAndWhereTheKeyStarts() {
        String line = "restrict,command=\"rsendmail --policy a\" ssh-ed25519 AAAA x";
        KeyOptions.Parsed p = KeyOptions.parse(line);
        assertEquals(List.of("restrict", "command=rsendmail --policy a"), names(p));
        assertEquals(line.indexOf(" ssh-ed25519"), p.end());
        assertEquals(List.of("restrict"), names(KeyOptions.parse("restrict")));
        assertEquals(List.of("restrict"), names(KeyOptions.parse("restrict\tssh-ed25519 AAAA")));
    }

    /** Each line's options, written name or name=value with the value unquoted; | separates options. */
    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        "RESTRICT,No-Pty k;                                   restrict|no-pty",
        "from=\"a,b\" k;                                      from=a,b",
        "command=\"say \\\"hi\\\"\" k;                        command=say \"hi\"",
        "command=\"a\\b\" k;                                  command=a\\b",
        "command=\"\" k;                                      command=",
        "command=\"a b\tc\" k;                                command=a b\tc",
        "from=\"1.2.3.4\",from=\"5.6.7.8\" k;                  from=1.2.3.4|from=5.6.7.8",
        "command=\"x=y,z\" k;                                 command=x=y,z",
        "command=\"'\" k;                                     command='",
    })
    void tableOfAcceptedLines(String line, String expected) {
        assertEquals(List.of(expected.split("\\|")), names(KeyOptions.parse(line.strip())));
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', quoteCharacter = '\0', value = {
        ",restrict k;                 empty option at column 1",
        "restrict,,no-pty k;          empty option at column 10",
        "restrict, no-pty k;          empty option at column 10",
        "restrict, k;                 empty option",
        "restrict,;                   empty option",
        "=\"x\" k;                    empty option at column 1",
        "command=x k;                 command= needs a value in double quotes",
        "command= k;                  command= needs a value in double quotes",
        "command=;                    command= needs a value in double quotes",
        "command=\"abc k;             missing closing quote",
        "command=\"abc\\\" k;         missing closing quote",
        "command=\"a\\\\\" k;          missing closing quote",
        "from=\"1.2.3.4\"x k;         unexpected 'x' after option from",
        "from=\"1.2.3.4\"\"x\" k;     unexpected '\"' after option from",
        "command=\"a\"=\"b\" k;       unexpected '=' after option command",
    })
    void tableOfRefusedLines(String line, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse(line.strip()));
        assertTrue(e.getMessage().contains(message.strip()), e.getMessage());
    }

    @Test
    void overlongLinesParseWithoutRecursionOrBlowUp() {
        String many = "no-pty,".repeat(100_000) + "restrict k";
        assertEquals(100_001, KeyOptions.parse(many).options().size());
        String value = "x".repeat(1_000_000);
        assertEquals(value, KeyOptions.parse("command=\"" + value + "\" k").options().get(0).value());
        assertThrows(IllegalArgumentException.class, () -> KeyOptions.parse("command=\"" + value));
    }
}
