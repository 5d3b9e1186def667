package net.rsendmail.relay.lmtp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Which recipients each ENVID (the client's queue id, RFC 3461) was already accepted for, per
 * key, so that a retry after a lost acknowledgement is answered 250 without a second hand-over
 * (SPEC §2.5). One file per ENVID, named by its SHA-256; an exclusive lock on it covers the
 * whole transaction, so two relay processes never hand over the same (ENVID, recipient).
 * Records are kept {@link #KEEP} and then purged.
 */
public final class EnvidStore {
    public static final Duration KEEP = Duration.ofDays(8);
    private static final Duration PURGE_EVERY = Duration.ofHours(6);

    private final Path dir;

    public EnvidStore(Path stateDir, String policy) {
        this.dir = stateDir.resolve("envid").resolve(policy);
    }

    /** The record for {@code envid}, locked until closed. */
    public Record open(String envid) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name(envid));
        boolean existed = Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            ch.lock();
            if (!existed) {
                syncDirectory();
            }
            return new Record(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Removes records older than {@link #KEEP}; does the scan at most every few hours. */
    public void purgeIfDue(Instant now) {
        try {
            Path marker = dir.resolve(".purged");
            if (Files.exists(marker)
                    && Files.getLastModifiedTime(marker).toInstant().isAfter(now.minus(PURGE_EVERY))) {
                return;
            }
            Files.createDirectories(dir);
            Files.write(marker, new byte[0]);
            Files.setLastModifiedTime(marker, FileTime.from(now));
            Instant cutoff = now.minus(KEEP);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.rcpt")) {
                for (Path f : files) {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        } catch (IOException e) {
            // Purging is housekeeping; the next run tries again.
        }
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    static String name(String envid) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(envid.getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder(70);
            for (int i = 0; i < 20; i++) {
                b.append(Character.forDigit(h[i] >> 4 & 0xf, 16)).append(Character.forDigit(h[i] & 0xf, 16));
            }
            return b.append(".rcpt").toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The recipients already accepted for one ENVID; the lock holds until close. */
    public static final class Record implements Closeable {
        private final FileChannel ch;
        private final Set<String> accepted = new HashSet<>();

        private Record(FileChannel ch) throws IOException {
            this.ch = ch;
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read it all
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (!line.isEmpty()) {
                    accepted.add(line);
                }
            }
        }

        public boolean accepted(String recipient) {
            return accepted.contains(recipient);
        }

        /** Records recipients as accepted, durably, before the 250 replies go out. */
        public void add(Iterable<String> recipients) throws IOException {
            StringBuilder b = new StringBuilder();
            for (String r : recipients) {
                if (accepted.add(r)) {
                    b.append(r).append('\n');
                }
            }
            ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            ch.position(ch.size());
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
