package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StderrTailTest {
    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lastNonBlankLineIsKept() {
        StderrTail t = new StderrTail();
        assertEquals("", t.lastLine());
        byte[] said = bytes("first line\r\nrsendmail: state_dir /x: Permission denied\n\n");
        t.write(said, 0, said.length);
        assertEquals("rsendmail: state_dir /x: Permission denied", t.lastLine());
    }

    @Test
    void onlyTheLast2KiBStayWhateverTheWrites() {
        StderrTail t = new StderrTail();
        byte[] noise = bytes("x".repeat(5000) + "\n");
        t.write(noise, 0, noise.length);
        assertEquals("x".repeat(2047), t.lastLine());
        for (byte b : bytes("the end\n")) {
            t.write(b);
        }
        assertEquals("the end", t.lastLine());
        byte[] big = bytes("y".repeat(3000) + "\nlast words");
        t.write(big, 0, big.length);
        assertEquals("last words", t.lastLine());
    }
}
