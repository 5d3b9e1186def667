package net.rsendmail.client.mode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import net.rsendmail.client.ssh.SshSender;

/**
 * A message held for a synchronous delivery (Postfix pipe, nullmailer), re-readable so that the
 * next relay can be tried: in memory up to {@link #MEMORY} bytes, then in a private temp file
 * that is deleted on close.
 */
public final class Spool implements SshSender.Content, AutoCloseable {
    static final int MEMORY = 1 << 20;

    private byte[] head;
    private int headLength;
    private Path file;
    private long size;

    private Spool() {
    }

    public static Spool read(InputStream in) throws IOException {
        Spool s = new Spool();
        s.head = new byte[65536];
        while (true) {
            if (s.headLength == s.head.length) {
                if (s.head.length >= MEMORY) {
                    break;
                }
                s.head = Arrays.copyOf(s.head, Math.min(MEMORY, s.head.length * 4));
            }
            int n = in.read(s.head, s.headLength, s.head.length - s.headLength);
            if (n < 0) {
                s.size = s.headLength;
                return s;
            }
            s.headLength += n;
        }
        s.file = Files.createTempFile("sshsendmail", ".msg",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(s.file)) {
            out.write(s.head, 0, s.headLength);
            s.size = s.headLength + in.transferTo(out);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        s.head = null;
        return s;
    }

    public long size() {
        return size;
    }

    @Override
    public InputStream open() throws IOException {
        return file == null ? new ByteArrayInputStream(head, 0, headLength) : Files.newInputStream(file);
    }

    @Override
    public void close() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
