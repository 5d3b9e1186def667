package net.rsendmail.queue;

import static net.rsendmail.queue.MailQueue.ACTIVE;
import static net.rsendmail.queue.MailQueue.DROP;
import static net.rsendmail.queue.MailQueue.DROP_GRACE;
import static net.rsendmail.queue.MailQueue.ENV;
import static net.rsendmail.queue.MailQueue.MSG;
import static net.rsendmail.queue.MailQueue.PICKUP;
import static net.rsendmail.queue.MailQueue.TEMP;
import static net.rsendmail.queue.MailQueue.namesChecked;
import static net.rsendmail.queue.MailQueue.readEntry;
import static net.rsendmail.queue.MailQueue.tempName;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import net.rsendmail.queue.MailQueue.TempName;

/** The maildrop pickup (see {@link MailQueue#pickup}), run by the queue's owner: like Postfix's pickup(8). */
final class Pickup {
    private final MailQueue q;
    private final Path tmp;
    private final Path queue;
    private final Path claimed;
    private final Path failed;
    private final Path maildrop;

    Pickup(MailQueue q) {
        this.q = q;
        this.tmp = q.tmp;
        this.queue = q.queue;
        this.claimed = q.claimed;
        this.failed = q.failed;
        this.maildrop = q.maildrop();
    }

    int run() throws QueueException {
        int moved = 0;
        List<String> temps;
        try {
            temps = namesChecked(tmp);
        } catch (IOException e) {
            throw Fs.fail("cannot read " + tmp, e, tmp);
        }
        for (String name : temps) {
            TempName t = TempName.parse(name);
            Path p = tmp.resolve(name);
            if (t == null || !t.kind().equals(PICKUP) || !t.abandoned(p)) {
                continue;
            }
            Path mine = tmp.resolve(tempName(t.id(), PICKUP));
            if (!ACTIVE.add(mine)) {
                continue; // another thread of ours is on it
            }
            try {
                if (!p.equals(mine)) {
                    Fs.rename(p, mine); // take it over; only one recoverer wins
                }
                if (finishPickup(mine, t.id())) {
                    moved++;
                }
            } catch (IOException e) {
                // gone meanwhile
            } finally {
                ACTIVE.remove(mine);
            }
        }
        List<String> names;
        try {
            names = namesChecked(maildrop);
        } catch (IOException e) {
            throw Fs.fail("cannot read " + maildrop, e, maildrop);
        }
        long now = System.currentTimeMillis();
        for (String name : names) {
            Path p = maildrop.resolve(name);
            if (QueueId.isValid(name)) {
                if (pickupOne(name)) {
                    moved++;
                }
                continue;
            }
            TempName t = TempName.parse(name);
            if (t != null && t.kind().equals(TEMP)) {
                if (!t.owner().isAlive() && olderThan(p, now - DROP_GRACE.toMillis())) {
                    quarantineDrop(p, name, "half-written: its writer (pid " + t.owner().pid() + ") is gone");
                }
                continue;
            }
            quarantineDrop(p, name, "foreign file name in maildrop/");
        }
        return moved;
    }

    private static boolean olderThan(Path p, long millis) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() < millis;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean pickupOne(String name) throws QueueException {
        QueueId id = new QueueId(name);
        Path work = tmp.resolve(tempName(id, PICKUP));
        if (!ACTIVE.add(work)) {
            return false; // another thread of this process is on it
        }
        try {
            try {
                Files.createDirectory(work);
            } catch (FileAlreadyExistsException e) {
                return false; // left by a failed pickup of ours: the next pickup() finishes it
            } catch (IOException e) {
                throw Fs.fail("cannot pick up " + name, e, tmp);
            }
            try {
                Fs.rename(maildrop.resolve(name), work.resolve(DROP));
            } catch (NoSuchFileException e) {
                Fs.deleteTreeQuietly(work); // another pickup took it
                return false;
            } catch (AccessDeniedException e) {
                Fs.deleteTreeQuietly(work); // a directory of another user: it cannot leave maildrop/
                quarantineDrop(maildrop.resolve(name), name, "cannot take it: permission denied ("
                        + q.ownership(maildrop.resolve(name)) + ")");
                return false;
            } catch (IOException e) {
                Fs.deleteTreeQuietly(work);
                QueueLog.warn("cannot take maildrop file {}: {}", name, e.toString());
                return false;
            }
            return finishPickup(work, id);
        } finally {
            ACTIVE.remove(work);
        }
    }

    /**
     * {@code work} holds "drop" (the submitted file, now private); turns it into queue/ID.
     * Order: msg and env durable, then drop deleted, then the commit rename. So a work directory
     * with a drop is redone from the drop, and one without a drop but with a valid entry is
     * committed as it is: either way the message is queued exactly once.
     */
    private boolean finishPickup(Path work, QueueId id) throws QueueException {
        Path drop = work.resolve(DROP);
        try {
            if (!Files.exists(drop, LinkOption.NOFOLLOW_LINKS)) {
                return finishCopiedPickup(work, id);
            }
            Files.deleteIfExists(work.resolve(MSG));
            Files.deleteIfExists(work.resolve(ENV));
            QueuedMessage m;
            try {
                m = checkDrop(drop, id, work.resolve(MSG));
            } catch (Damaged d) {
                q.quarantine(drop, "maildrop." + id, d.getMessage());
                Fs.deleteTree(work);
                return false;
            }
            String refused = q.dropCheck.problem(new Envelope(m.sender(), m.pendingRecipients()));
            if (refused != null) {
                q.quarantine(drop, "maildrop." + id, "envelope refused: " + refused);
                Fs.deleteTree(work);
                return false;
            }
            if (q.admission != Admission.AS_IS) {
                try {
                    m = admit(work.resolve(MSG), m);
                } catch (QueueException e) {
                    Fs.rename(drop, maildrop.resolve(id.value())); // back; the next pickup tries again
                    Fs.deleteTree(work);
                    QueueLog.warn("maildrop {} stays in the maildrop: {}", id, e.getMessage());
                    return false;
                }
            }
            Fs.writeNew(work.resolve(ENV), EnvelopeFile.format(m));
            if (exists(id)) {
                q.quarantine(drop, "maildrop." + id, "an entry with this id already exists");
                Fs.deleteTree(work);
                return false;
            }
            Fs.fsyncDir(work);
            Files.delete(drop);
            return commitPickup(work, id, m);
        } catch (IOException e) {
            throw Fs.fail("cannot pick up " + id, e, tmp);
        }
    }

    /** Rewrites {@code msg} with what the queue's admission adds (the drop still exists: a crash redoes it). */
    private QueuedMessage admit(Path msg, QueuedMessage m) throws IOException, QueueException {
        byte[] bytes = Files.readAllBytes(msg);
        Files.delete(msg);
        long size = q.admitted(msg, new Envelope(m.sender(), m.pendingRecipients()), bytes);
        return m.withSize(size);
    }

    /** A pickup that died after deleting the drop: its copy is complete, commit it; an empty one is dropped. */
    private boolean finishCopiedPickup(Path work, QueueId id) throws IOException {
        if (namesChecked(work).isEmpty()) {
            Fs.deleteTree(work); // died before it took a file
            return false;
        }
        QueuedMessage m;
        try {
            m = readEntry(id, work);
        } catch (Damaged d) {
            q.quarantine(work, "tmp", "unfinished pickup without its drop file: " + d.getMessage());
            return false;
        }
        return commitPickup(work, id, m);
    }

    private boolean commitPickup(Path work, QueueId id, QueuedMessage m) throws IOException {
        try {
            q.commit(work, id);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            q.quarantine(work, "maildrop." + id, "an entry with this id already exists");
            return false;
        }
        QueueLog.info("picked up {} from uid {}", id, Integer.toUnsignedString(m.submitterUid()));
        return true;
    }

    private boolean exists(QueueId id) throws IOException {
        if (Files.exists(queue.resolve(id.value()), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(failed.resolve(id.value()), LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        String prefix = id.value() + ".";
        return namesChecked(claimed).stream().anyMatch(n -> n.startsWith(prefix));
    }

    /** Validates a drop file that only we can reach now, and copies its message to {@code msg}. */
    private static QueuedMessage checkDrop(Path drop, QueueId id, Path msg) throws Damaged, IOException {
        BasicFileAttributes a = Files.readAttributes(drop, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (a.isSymbolicLink()) {
            throw new Damaged("symbolic link (not followed)");
        }
        if (!a.isRegularFile()) {
            throw new Damaged("not a regular file");
        }
        Map<String, Object> u = Files.readAttributes(drop, "unix:uid,nlink", LinkOption.NOFOLLOW_LINKS);
        int fileUid = (Integer) u.get("uid");
        if ((Integer) u.get("nlink") != 1) {
            throw new Damaged("has " + u.get("nlink") + " hard links");
        }
        FileChannel opened;
        try {
            opened = FileChannel.open(drop, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Damaged("not readable by the queue owner (mode or group wrong)");
        }
        try (FileChannel in = opened) {
            long fileSize = in.size();
            byte[] buf = new byte[(int) Math.min(fileSize, DropFile.MAX_HEADER)];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            while (bb.hasRemaining() && in.read(bb) >= 0) {
                // fill
            }
            DropFile.Header h = DropFile.parse(buf, bb.position());
            if (!h.id().equals(id)) {
                throw new Damaged("file name " + id + " but header id " + h.id());
            }
            if (h.uid() != fileUid) {
                throw new Damaged("forged: header claims uid " + Integer.toUnsignedString(h.uid())
                        + " but the file belongs to uid " + Integer.toUnsignedString(fileUid));
            }
            if (fileSize != h.length() + h.size()) {
                throw new Damaged("incomplete: " + (fileSize - h.length()) + " message bytes, header says " + h.size());
            }
            long copied;
            try (FileChannel out = FileChannel.open(msg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                copied = 0;
                while (copied < h.size()) {
                    long n = in.transferTo(h.length() + copied, h.size() - copied, out);
                    if (n <= 0) {
                        break;
                    }
                    copied += n;
                }
                out.force(true);
            }
            if (copied != h.size() || in.size() != fileSize) {
                throw new Damaged("changed while being read");
            }
            Instant now = Instant.now();
            Instant created = h.created().isAfter(now) ? now : h.created();
            List<String> rcpts = List.copyOf(new LinkedHashSet<>(h.envelope().recipients()));
            return new QueuedMessage(id, h.envelope().sender(),
                    rcpts.stream().map(RecipientState::pending).toList(), 0, now, "", "", fileUid, created, h.size());
        }
    }

    private void quarantineDrop(Path p, String name, String reason) {
        q.quarantine(p, "maildrop", reason);
    }
}
