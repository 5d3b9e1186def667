package net.rsendmail.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link BufferedInputStream} whose {@link #available} answers from its buffer while that
 * holds bytes: the sessions ask it at each line end, and on a pipe (stdin) the stream below
 * pays two system calls (fstat, FIONREAD) for every answer.
 */
public final class BufferedInput extends BufferedInputStream {
    public BufferedInput(InputStream in, int size) {
        super(in, size);
    }

    @Override
    public synchronized int available() throws IOException {
        int buffered = count - pos;
        return buffered > 0 ? buffered : super.available();
    }
}
