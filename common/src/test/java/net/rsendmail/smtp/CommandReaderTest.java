package net.rsendmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandReaderTest {
    private static List<CommandReader.Input> read(byte[] in) throws IOException {
        CommandReader r = new CommandReader(new ByteArrayInputStream(in));
        List<CommandReader.Input> out = new ArrayList<>();
        CommandReader.Input i;
        do {
            i = r.next();
            out.add(i);
        } while (!(i instanceof CommandReader.Input.End));
        return out;
    }

    private static List<CommandReader.Input> read(String in) throws IOException {
        return read(in.getBytes(StandardCharsets.UTF_8));
    }

    private static CommandReader.Input line(String s) {
        return new CommandReader.Input.Line(s);
    }

    private static final CommandReader.Input END = new CommandReader.Input.End();
    private static final CommandReader.Input TOO_LONG = new CommandReader.Input.Bad("500 5.5.2 line too long");
    private static final CommandReader.Input CONTROL = new CommandReader.Input.Bad("500 5.5.2 control character in command");

    @Test
    void crlfAndBareLfBothEndALine() throws IOException {
        assertEquals(List.of(line("EHLO a"), line("NOOP"), line(""), END), read("EHLO a\r\nNOOP\n\r\n"));
    }

    @Test
    void aLastLineWithoutItsEndIsNoCommand() throws IOException {
        assertEquals(List.of(line("NOOP"), END), read("NOOP\r\nQUIT"));
        assertEquals(List.of(line("NOOP"), END), read("NOOP\r\nQUIT\r"));
        assertEquals(List.of(END), read(""));
    }

    @Test
    void lengthLimitIs512WithTheCrlf() throws IOException {
        String max = "N".repeat(510);
        assertEquals(List.of(line(max), END), read(max + "\r\n"));
        assertEquals(List.of(TOO_LONG, END), read(max + "N\r\n"));
        assertEquals(List.of(TOO_LONG, line("NOOP"), END), read("N".repeat(100_000) + "\nNOOP\n"),
                "read to its end, then the next line is a command again");
    }

    @Test
    void controlCharactersAreRefusedTabIsNot() throws IOException {
        assertEquals(List.of(CONTROL, CONTROL, CONTROL, CONTROL, line("MAIL\tFROM:<a@b.org>"), END),
                read("NO\u0000OP\r\nNO\rOP\r\nNOOP\r\r\n\u007f\r\nMAIL\tFROM:<a@b.org>\r\n"));
    }

    @Test
    void eightBitIsUtf8AndBadUtf8CannotForgeAnything() throws IOException {
        assertEquals(List.of(line("RCPT TO:<grüße@bücher.de>"), END), read("RCPT TO:<grüße@bücher.de>\r\n"));
        byte[] bad = {'N', 'O', (byte) 0xff, (byte) 0xc0, '\r', '\n'};
        assertEquals(List.of(line("NO\ufffd\ufffd"), END), read(bad));
    }
}
