package net.rsendmail.relay.policy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.state.FileLocks;
import net.rsendmail.relay.state.StateDir;

/**
 * Messages per hour for one policy, kept on disk as a sliding window of send times (8-byte
 * epoch seconds). The whole check-and-record happens under an exclusive lock on the state file,
 * so concurrent relay processes together never pass more than the limit.
 */
public final class RateLimiter {
    private static final long WINDOW = 3600;

    private final Path stateDir;
    private final Path file;
    private final int limit;

    public RateLimiter(Path stateDir, String policy, int limit) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve("rate").resolve(policy + ".rate");
        this.limit = limit;
    }

    /** Records one message at {@code now} (epoch seconds) or refuses when the window is full. */
    public void acquire(long now) throws Refusal {
        StateDir.ensure(stateDir); // the state file's own errors name the OS reason
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLocks.Held lock = FileLocks.lock(file, ch)) {
                long size = ch.size();
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(size, 8L * (limit + 1)) & ~7);
                if (size > buf.capacity()) {
                    ch.position(size - buf.capacity()); // only the newest entries can still count
                }
                while (buf.hasRemaining() && ch.read(buf) > 0) {
                    // read the window
                }
                buf.flip();
                ByteBuffer kept = ByteBuffer.allocate(buf.remaining() + 8);
                while (buf.remaining() >= 8) {
                    long t = buf.getLong();
                    if (t > now - WINDOW && t <= now + WINDOW) {
                        kept.putLong(t);
                    }
                }
                if (kept.position() / 8 >= limit) {
                    throw Refusal.rateLimited("rate limit reached: " + limit + " messages per hour");
                }
                kept.putLong(now);
                kept.flip();
                ch.truncate(0);
                ch.position(0);
                while (kept.hasRemaining()) {
                    ch.write(kept);
                }
            }
        } catch (IOException e) {
            throw Refusal.temporary("cannot keep rate-limit state in " + file + ": " + OsReason.of(e));
        }
    }
}
