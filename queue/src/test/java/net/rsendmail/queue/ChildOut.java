package net.rsendmail.queue;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Unbuffered line output for child JVMs: one write(2) per line, so a kill never leaves half a line behind a newline. */
final class ChildOut {
    private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

    private ChildOut() {
    }

    static synchronized void line(String s) {
        try {
            OUT.write((s + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }
}
