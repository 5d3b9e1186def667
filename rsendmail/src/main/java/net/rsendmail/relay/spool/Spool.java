package net.rsendmail.relay.spool;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;

/**
 * The message as read from the client: the first {@link #MEMORY} bytes in memory (they hold the
 * header section), the rest in a private temp file that is unlinked as soon as it is open, so
 * nothing is left behind whatever happens to the process.
 */
public final class Spool implements Closeable {
    public static final int MEMORY = 1 << 20;

    private final byte[] head;
    private final int headLength;
    private final FileChannel rest;
    private final long size;
    private final boolean eightBit;

    private Spool(byte[] head, int headLength, FileChannel rest, long size, boolean eightBit) {
        this.head = head;
        this.headLength = headLength;
        this.rest = rest;
        this.size = size;
        this.eightBit = eightBit;
    }

    /**
     * Reads {@code in} to its end; more than {@code maxSize} bytes is refused as too big. An
     * {@link EOFException} from {@code in} (a framed message cut short) is passed on as it is.
     */
    public static Spool read(InputStream in, long maxSize, Path spoolDir) throws Refusal, EOFException {
        byte[] head = new byte[(int) Math.min(MEMORY, maxSize + 1)];
        int n = 0;
        FileChannel rest = null;
        long size;
        boolean eightBit;
        try {
            while (n < head.length) {
                int r = in.read(head, n, head.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            size = n;
            eightBit = hasEightBit(head, n);
            if (n == head.length && size <= maxSize) {
                byte[] buf = new byte[64 * 1024];
                int r;
                while ((r = in.read(buf)) >= 0) {
                    if (r == 0) {
                        continue;
                    }
                    if (rest == null) {
                        rest = openPrivate(spoolDir);
                    }
                    size += r;
                    if (size > maxSize) {
                        break;
                    }
                    eightBit = eightBit || hasEightBit(buf, r);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, r);
                    while (bb.hasRemaining()) {
                        rest.write(bb);
                    }
                }
            }
        } catch (EOFException e) {
            closeQuietly(rest);
            throw e;
        } catch (IOException e) {
            closeQuietly(rest);
            throw Refusal.temporary("cannot spool the message in " + spoolDir + ": " + OsReason.of(e));
        }
        if (size > maxSize) {
            closeQuietly(rest);
            throw Refusal.tooBig("message too big: over " + maxSize + " bytes");
        }
        return new Spool(head, n, rest, size, eightBit);
    }

    private static boolean hasEightBit(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] < 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether any byte is 0x80 or above: the message needs BODY=8BITMIME (RFC 6152 §3) or SMTPUTF8. */
    public boolean eightBit() {
        return eightBit;
    }

    private static FileChannel openPrivate(Path dir) throws IOException {
        Path p = Files.createTempFile(dir, "rsendmail-", ".spool",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.delete(p);
        return ch;
    }

    public long size() {
        return size;
    }

    /** The in-memory start of the message. */
    public byte[] head() {
        return head;
    }

    public int headLength() {
        return headLength;
    }

    /** Whether the message goes on past what is in memory. */
    public boolean hasMore() {
        return rest != null;
    }

    /**
     * Writes the message to {@code out}, leaving out the byte ranges {@code skip} ({start, end}
     * pairs, ascending, within the in-memory head).
     */
    public void writeTo(OutputStream out, List<int[]> skip) throws IOException {
        int pos = 0;
        for (int[] r : skip) {
            out.write(head, pos, r[0] - pos);
            pos = r[1];
        }
        out.write(head, pos, headLength - pos);
        if (rest != null) {
            rest.position(0);
            InputStream in = Channels.newInputStream(rest);
            in.transferTo(out);
        }
        out.flush();
    }

    @Override
    public void close() {
        closeQuietly(rest);
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing to keep: the file is already unlinked
            }
        }
    }
}
