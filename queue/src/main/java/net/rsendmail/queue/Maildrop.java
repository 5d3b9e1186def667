package net.rsendmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Submission by a local user who cannot read the queue, into the write-only maildrop/ (mode
 * 3733: anyone may create files, nobody but the owner may list it, and the sticky bit stops
 * users from renaming or deleting each other's files; see postfix's postdrop(1)).
 *
 * <p>Protocol: create maildrop/ID.PID.START.tmp (O_EXCL, no symlink following), mode 0640 so only
 * the queue's group (inherited through the setgid bit) can read it, write header and message,
 * fill in the size, fsync, rename to maildrop/ID, fsync again. The queue owner's
 * {@link MailQueue#pickup()} does the rest and records the file owner's uid.
 */
public final class Maildrop {
    private Maildrop() {
    }

    /**
     * Drops a message; returns its id (the queue id it will keep after pickup).
     *
     * <p>Durability: the file is fsynced before and after the rename. A user who may not read
     * the directory cannot fsync it; on journaling file systems (ext4, xfs) the second fsync
     * commits the rename with it.
     *
     * @throws IllegalArgumentException if the envelope has no recipient
     */
    public static QueueId submit(Path maildropDir, Envelope envelope, InputStream message) throws QueueException {
        List<String> rcpts = List.copyOf(new LinkedHashSet<>(envelope.recipients()));
        if (rcpts.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        Envelope env = new Envelope(envelope.sender(), rcpts);
        QueueId id = QueueId.generate();
        Path temp = maildropDir.resolve(MailQueue.tempName(id, MailQueue.TEMP));
        Path target = maildropDir.resolve(id.value());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                // explicit chmod: the umask must not take the group's read bit away (or add others')
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r-----"));
                int uid = (Integer) Files.getAttribute(temp, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                byte[] header = DropFile.header(id, uid, Instant.now(), env);
                writeFully(ch, ByteBuffer.wrap(header), -1);
                long size = Fs.copy(message, ch);
                writeFully(ch, ByteBuffer.wrap(DropFile.sizeDigits(size)), DropFile.sizeOffset(header));
                ch.force(true);
                Fs.rename(temp, target);
                // The second fsync goes through the descriptor still open: the owner's pickup may
                // already have taken maildrop/ID away, and reopening it by name would then fail.
                ch.force(true);
            }
            try {
                Fs.fsyncDir(maildropDir);
            } catch (AccessDeniedException e) {
                // expected for everyone but the queue owner: the directory is not readable
            }
            return id;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw Fs.fail("cannot submit to " + maildropDir, e, maildropDir);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer bb, long position) throws IOException {
        long pos = position;
        while (bb.hasRemaining()) {
            if (pos < 0) {
                ch.write(bb);
            } else {
                pos += ch.write(bb, pos);
            }
        }
    }
}
