package net.rsendmail.client.ssh;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The last 2 KiB a relay wrote on its exec channel's stderr: a relay that ends without a reply
 * says why there, last. Bounded whatever the relay writes.
 */
final class StderrTail extends OutputStream {
    private static final int SIZE = 2048;

    private final byte[] ring = new byte[SIZE];
    private long written;

    @Override
    public synchronized void write(int b) {
        ring[(int) (written++ % SIZE)] = (byte) b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        int skip = Math.max(0, len - SIZE);
        written += skip; // only the last SIZE bytes can stay
        for (int i = off + skip; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** The last non-blank line kept, stripped; empty when there is none. */
    synchronized String lastLine() {
        int n = (int) Math.min(written, SIZE);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = ring[(int) ((written - n + i) % SIZE)];
        }
        String[] lines = new String(b, StandardCharsets.UTF_8).split("\r?\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            if (!lines[i].isBlank()) {
                return lines[i].strip();
            }
        }
        return "";
    }
}
