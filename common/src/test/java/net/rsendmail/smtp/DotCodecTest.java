package net.rsendmail.smtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DotCodecTest {
    private static String encode(String message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DotCodec.write(new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)), out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Decodes one DATA section; returns the message and what is left on the wire. */
    private static String[] decode(String wire) throws IOException {
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1)));
        DotCodec.Decoder d = new DotCodec.Decoder(in);
        String body = new String(d.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(d.ended());
        assertFalse(d.cut());
        return new String[] {body, new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)};
    }

    @Test
    void writingStuffsDotsMakesCrlfAndEndsTheLastLine() throws IOException {
        assertEquals("Subject: s\r\n\r\n..\r\n..two\r\nmid.dot\r\n.\r\n", encode("Subject: s\n\n.\n.two\nmid.dot\n"));
        assertEquals("a\r\nb\r\n.\r\n", encode("a\r\nb"), "CRLF kept, a missing last line end added");
        assertEquals(".\r\n", encode(""));
        assertEquals("lone\rCR\r\n.\r\n", encode("lone\rCR\n"));
    }

    @Test
    void readingUnstuffsAndStopsAtTheDot() throws IOException {
        String[] r = decode("Subject: s\r\n\r\n..dot\r\n...\r\nlone\rCR\r\nbody\r\n.\r\nQUIT\r\n");
        assertEquals("Subject: s\n\n.dot\n..\nlone\rCR\nbody\n", r[0]);
        assertEquals("QUIT\r\n", r[1], "the session reads on after the dot");
        assertEquals("", decode(".\r\n")[0], "an empty message");
    }

    @Test
    void bareLfNeverEndsTheData() throws IOException {
        // SMTP smuggling: only CR LF . CR LF ends; LF . LF and CR LF . LF are message lines
        String[] r = decode("a\n.\nMAIL FROM:<x@y>\r\n.\nb\r\n.\r\n");
        assertEquals("a\n\nMAIL FROM:<x@y>\n\nb\n", r[0]);
        assertEquals("", r[1]);
        assertEquals("a\n\n", decode("a\n.\r\n.\r\n")[0], "a dot line after a bare LF does not end either");
    }

    @Test
    void inputThatEndsBeforeTheDotIsACut() throws IOException {
        for (String wire : new String[] {"", "partial", "line\r\n", "line\r\n.", "line\r\n.\r", "x\n.\n"}) {
            DotCodec.Decoder d = new DotCodec.Decoder(new BufferedInputStream(
                    new ByteArrayInputStream(wire.getBytes(StandardCharsets.ISO_8859_1))));
            assertThrows(EOFException.class, d::readAllBytes, wire);
            assertTrue(d.cut(), wire);
            assertFalse(d.ended(), wire);
        }
    }

    @Test
    void drainSkipsToTheDot() throws IOException {
        BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream("x\r\n".repeat(10_000)
                .concat(".\r\nNOOP\r\n").getBytes(StandardCharsets.US_ASCII)));
        DotCodec.Decoder d = new DotCodec.Decoder(in);
        d.read();
        d.drain();
        assertTrue(d.ended());
        assertEquals(-1, d.read());
        assertEquals("NOOP\r\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
    }

    @Test
    void roundTripOfHostileBytes() throws IOException {
        Random random = new Random(5321);
        byte[] alphabet = {'.', '.', '\r', '\n', '\n', 'a', 0, (byte) 0xff, (byte) 0x80};
        for (int n = 0; n < 2000; n++) {
            byte[] m = new byte[random.nextInt(60)];
            for (int i = 0; i < m.length; i++) {
                m[i] = alphabet[random.nextInt(alphabet.length)];
            }
            ByteArrayOutputStream wire = new ByteArrayOutputStream();
            DotCodec.write(new ByteArrayInputStream(m), wire);
            wire.write("NEXT".getBytes(StandardCharsets.US_ASCII));
            BufferedInputStream in = new BufferedInputStream(new ByteArrayInputStream(wire.toByteArray()));
            byte[] back = new DotCodec.Decoder(in).readAllBytes();
            // what the reader gives is the Unix text of the message: CRLF as LF, a last line ended
            String unix = new String(m, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
            if (!unix.isEmpty() && !unix.endsWith("\n")) {
                unix += "\n";
            }
            assertArrayEquals(unix.getBytes(StandardCharsets.ISO_8859_1), back, () -> "message " + java.util.Arrays.toString(m));
            assertEquals("NEXT", new String(in.readAllBytes(), StandardCharsets.US_ASCII), "stopped at its own dot");
        }
    }

    @Test
    void theDecoderNeedsMarkSupport() {
        assertThrows(IllegalArgumentException.class, () -> new DotCodec.Decoder(new ByteArrayInputStream(new byte[0]) {
            @Override
            public boolean markSupported() {
                return false;
            }
        }));
    }
}
