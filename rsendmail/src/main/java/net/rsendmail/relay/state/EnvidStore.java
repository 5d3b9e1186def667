package net.rsendmail.relay.state;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which recipients each ENVID (the client's queue id, RFC 3461) was already accepted for, per
 * key, so that a retry after a lost acknowledgement is answered 250 without a second hand-over
 * (SPEC §2.5). One file per ENVID, named by its SHA-256; an exclusive lock on it covers the
 * whole transaction, so two relay processes never hand over the same (ENVID, recipient).
 *
 * <p>Each line is a state byte and a recipient. Before the hand-over the recipients are
 * <em>reserved</em> ({@code ?}); a record that cannot be written refuses the transaction before
 * anything is handed over. After the hand-over the state byte is overwritten in place ({@code +}),
 * which needs no new disk space, so the record cannot fail for a full disk once the MTA has the
 * message; {@link Record#sync} then makes it and the reservation's bytes durable: a reservation
 * counts as not accepted whether or not it survives a crash, so it is not synced on its own. A
 * failed hand-over truncates its reservation away. A reservation left by a relay that died while
 * its MTA ran counts as not accepted: that run is the one window in which a retry can hand a
 * message over twice.
 * Records are kept {@link #KEEP} and then purged.
 */
public final class EnvidStore {
    public static final Duration KEEP = Duration.ofDays(8);
    private static final Duration PURGE_EVERY = Duration.ofHours(6);
    private static final byte RESERVED = '?';
    private static final byte ACCEPTED = '+';

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
        FileLocks.Held held = null;
        try {
            held = FileLocks.lock(file, ch);
            if (!existed) {
                syncDirectory();
            }
            return new Record(ch, held);
        } catch (IOException | RuntimeException e) {
            if (held != null) {
                held.close();
            }
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
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{once,rcpt}")) {
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
            return b.append(".once").toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The recipients already accepted for one ENVID; the lock holds until close. */
    public static final class Record implements Closeable {
        private final FileChannel ch;
        private final FileLocks.Held held;
        private final Set<String> accepted = new HashSet<>();
        private final List<Long> reserved = new ArrayList<>();
        private final List<String> reservedFor = new ArrayList<>();
        private long reservedFrom = -1;

        private Record(FileChannel ch, FileLocks.Held held) throws IOException {
            this.ch = ch;
            this.held = held;
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 20));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read it all
            }
            String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.length() > 1 && line.charAt(0) == ACCEPTED) {
                    accepted.add(line.substring(1));
                }
            }
        }

        public boolean accepted(String recipient) {
            return accepted.contains(recipient);
        }

        /**
         * Writes {@code recipients} as reserved before the hand-over (space taken, not synced: see
         * the class comment); on failure nothing stays.
         */
        public void reserve(List<String> recipients) throws IOException {
            long start = ch.size();
            StringBuilder b = new StringBuilder();
            List<Long> offsets = new ArrayList<>();
            for (String r : recipients) {
                offsets.add(start + b.toString().getBytes(StandardCharsets.UTF_8).length);
                b.append((char) RESERVED).append(r).append('\n');
            }
            try {
                ByteBuffer buf = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                ch.position(start);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                truncate(start);
                throw e;
            }
            reservedFrom = start;
            reserved.addAll(offsets);
            reservedFor.addAll(recipients);
        }

        /**
         * The hand-over is done: the reservations of {@code recipients} (those the next hop took)
         * become acceptances, in place; the others stay reservations, which count as not accepted,
         * so a retry hands the message over to them. Written for every process at once (the page
         * cache); durable once {@link #sync} returns.
         */
        public void commit(List<String> recipients) throws IOException {
            Set<String> taken = new HashSet<>(recipients);
            ByteBuffer mark = ByteBuffer.allocate(1);
            for (int i = 0; i < reserved.size(); i++) {
                if (!taken.contains(reservedFor.get(i))) {
                    continue;
                }
                mark.clear();
                mark.put(ACCEPTED).flip();
                ch.write(mark, reserved.get(i));
                accepted.add(reservedFor.get(i));
            }
            reserved.clear();
            reservedFor.clear();
            reservedFrom = -1;
        }

        /** Makes the record durable: fdatasync(2), the '+' and the reservation's bytes and size; only the mtime waits. */
        public void sync() throws IOException {
            ch.force(false);
        }

        /** The hand-over failed: the reservation goes, so that a retry hands the message over. */
        public void release() throws IOException {
            if (reservedFrom >= 0) {
                truncate(reservedFrom);
                reserved.clear();
                reservedFor.clear();
                reservedFrom = -1;
            }
        }

        private void truncate(long size) throws IOException {
            ch.truncate(size);
            ch.force(true);
        }

        @Override
        public void close() throws IOException {
            try {
                held.close();
            } finally {
                ch.close();
            }
        }
    }
}
