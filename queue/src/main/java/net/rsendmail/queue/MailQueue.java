package net.rsendmail.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One queue directory tree (layout and rules in README.md):
 * <pre>
 *   DIR/            0711  traversable, so other users can reach maildrop/
 *     tmp/          0700  entries being written, taken apart, or picked up; never part of the queue
 *     queue/ID/     0700  committed entries waiting for delivery: "msg" (raw message) and "env"
 *     claimed/ID.PID.START.SINCE/   entries held by a delivery runner
 *     failed/ID/    entries given up on
 *     quarantine/   damaged or foreign things, with a ".reason" file each
 *     maildrop/     3733  write-only drop box for other local users (like Postfix's maildrop)
 * </pre>
 * An entry is a directory, so one rename(2) moves body and envelope together: enqueue, claim,
 * release, fail and remove are each a single atomic rename. Thread-safe; many processes may
 * use the same tree at once.
 */
public final class MailQueue {
    static final String ENV = "env";
    static final String MSG = "msg";
    static final String ENV_TMP = "env.tmp";
    static final String DROP = "drop";
    static final String NEW = "new";
    static final String TRASH = "trash";
    static final String PICKUP = "pickup";
    static final String TEMP = "tmp";

    /**
     * tmp/ entries this process is working on. Those of our own pid that are not in here were
     * abandoned by a failed operation and can be cleared without waiting for the process to end.
     */
    static final Set<Path> ACTIVE = ConcurrentHashMap.newKeySet();

    /** Half-written maildrop files of a vanished writer are left alone this long (pid namespaces, hidepid). */
    static final Duration DROP_GRACE = Duration.ofSeconds(60);

    /**
     * Prefix of things quarantined in place: a directory another user owns cannot be moved to
     * another parent (rename(2) must rewrite its "..", which needs write access to it), only
     * renamed within its own. Every scan skips these names, so they are reported once.
     */
    static final String STUCK = ".quarantined.";

    /** Effective uid of this process, -1 if unknown (no /proc). */
    private static final long EUID = Owner.effectiveUid();

    /** Refuses maildrop envelopes: null when acceptable, else why not (one line). */
    @FunctionalInterface
    public interface EnvelopeCheck {
        EnvelopeCheck ANY = e -> null;

        String problem(Envelope envelope);
    }

    private final Path dir;
    final Path tmp;
    final Path queue;
    final Path claimed;
    final Path failed;
    final Path quarantine;
    private final Path maildrop;
    final EnvelopeCheck dropCheck;
    final Admission admission;
    private long ownerUid = -1;

    private MailQueue(Path dir, EnvelopeCheck dropCheck, Admission admission) {
        this.dir = dir;
        this.dropCheck = dropCheck;
        this.admission = admission;
        this.tmp = dir.resolve("tmp");
        this.queue = dir.resolve("queue");
        this.claimed = dir.resolve("claimed");
        this.failed = dir.resolve("failed");
        this.quarantine = dir.resolve("quarantine");
        this.maildrop = dir.resolve("maildrop");
    }

    /**
     * Opens the queue at {@code dir}, creating missing parts: private directories 0700, the top
     * 0711, the maildrop 3733 (sticky and world-writable like Postfix's maildrop, plus setgid so
     * that drop files get the queue's group and a non-root owner can read them). Existing
     * directories keep their modes; only the owner creates parts inside the queue directory.
     * Does not need write access (for listing).
     */
    public static MailQueue open(Path dir) throws QueueException {
        return open(dir, EnvelopeCheck.ANY);
    }

    /** As {@link #open(Path)}; {@link #pickup()} quarantines drop files whose envelope {@code dropCheck} refuses. */
    public static MailQueue open(Path dir, EnvelopeCheck dropCheck) throws QueueException {
        return open(dir, dropCheck, Admission.AS_IS);
    }

    /** As {@link #open(Path, EnvelopeCheck)}; every message entering the queue passes {@code admission}. */
    public static MailQueue open(Path dir, EnvelopeCheck dropCheck, Admission admission) throws QueueException {
        MailQueue q = new MailQueue(dir.toAbsolutePath().normalize(), dropCheck, admission);
        try {
            Path parent = q.dir.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            mkdir(q.dir, 0711, null);
            q.ownerUid = uidOf(q.dir);
            // A part another user made would lock the owner out: root makes them the owner's.
            boolean owner = q.isOwner();
            if (owner || EUID == 0) {
                Map<String, Object> ug = owner ? null
                        : Files.readAttributes(q.dir, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
                for (Path p : List.of(q.tmp, q.queue, q.claimed, q.failed, q.quarantine)) {
                    mkdir(p, 0700, ug);
                }
                mkdir(q.maildrop, 03733, ug);
            }
        } catch (IOException e) {
            throw Fs.fail("cannot open queue " + q.dir, e, q.dir);
        }
        return q;
    }

    /** Makes directory {@code p} with exactly {@code mode}; with {@code ug} (uid, gid) it appears already theirs. */
    private static void mkdir(Path p, int mode, Map<String, Object> ug) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            return; // the usual case: no exception on every start
        }
        if (ug != null) {
            // made and handed over under another name, so it is never seen with the wrong owner
            Path work = p.resolveSibling("." + p.getFileName() + "." + Owner.self().token() + ".new");
            Files.createDirectory(work, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try {
                Files.setAttribute(work, "unix:gid", ug.get("gid"), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(work, "unix:uid", ug.get("uid"), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(work, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                Fs.rename(work, p); // replaces at most an empty directory the owner made meanwhile
            } finally {
                Files.deleteIfExists(work);
            }
            Fs.fsyncDir(p.getParent());
            return;
        }
        try {
            Files.createDirectory(p, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(p + " exists and is not a directory", e);
            }
            return;
        }
        Files.setAttribute(p, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS); // exact mode, whatever the umask
        Fs.fsyncDir(p.getParent()); // else a crash could lose the new directory with what is queued in it
    }

    public Path directory() {
        return dir;
    }

    public Path maildrop() {
        return maildrop;
    }

    /**
     * True if this process is the queue's owner (its effective uid owns the queue directory):
     * only the owner writes into the private queue, so that every entry belongs to the user
     * who delivers it. Everyone else, root included, uses {@link Maildrop#submit}. Without
     * /proc it falls back to "may write tmp/ and queue/".
     */
    public boolean isOwner() {
        return EUID >= 0 ? EUID == ownerUid : Files.isWritable(tmp) && Files.isWritable(queue);
    }

    /** The effective uid of this process; -1 if unknown (no /proc). */
    public static long effectiveUid() {
        return EUID;
    }

    /** "user NAME" (or "uid N" without a name) of the queue's owner, for messages. */
    public String ownerName() {
        try {
            return "user " + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            return "uid " + ownerUid;
        }
    }

    /** The uid that owns the queue directory. */
    public long ownerUid() {
        return ownerUid;
    }

    private void requireOwner(String what) throws QueueException {
        if (!isOwner()) {
            throw new QueueException(QueueException.Kind.PERMISSION, what + ": only the queue's owner (uid " + ownerUid
                    + ") writes into " + dir + "; other users submit through the maildrop", null);
        }
    }

    // ---------------------------------------------------------------- enqueue

    /**
     * Queues a message. Returns only once body and envelope are on disk and the entry is visible
     * (write to tmp/, fsync files, fsync the entry directory, rename into queue/, fsync queue/).
     * On failure nothing is visible in the queue and the exception says why (see
     * {@link QueueException#exitCode()}). A message the admission leaves to the pickup
     * ({@link Admission#atPickup}) is durable in maildrop/ instead, under the id returned.
     *
     * @throws IllegalArgumentException if the envelope has no recipient
     */
    public QueueId enqueue(Envelope envelope, InputStream message) throws QueueException {
        return enqueue(envelope, message, null);
    }

    /**
     * As {@link #enqueue(Envelope, InputStream)}, for a delivery status notification about
     * {@code reportOf} (recorded in its envelope: {@link QueuedMessage#reportOf()}).
     */
    public QueueId enqueue(Envelope envelope, InputStream message, QueuedMessage.ReportOf reportOf)
            throws QueueException {
        List<String> rcpts = List.copyOf(new LinkedHashSet<>(envelope.recipients()));
        if (rcpts.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        requireOwner("cannot queue message");
        byte[] bytes = null;
        if (admission != Admission.AS_IS) {
            try {
                bytes = Fs.readInput(message);
                // a DSN is the runner's own: it stays with its original, admitted here
                if (reportOf == null && admission.atPickup(new Envelope(envelope.sender(), rcpts), bytes)) {
                    return dropForPickup(envelope, bytes);
                }
            } catch (IOException e) {
                throw Fs.fail("cannot queue message", e, dir);
            } catch (Admission.NotNow e) {
                throw new QueueException(QueueException.Kind.NOT_ADMITTED, e.getMessage(), e);
            }
        }
        QueueId id = QueueId.generate();
        Path work = tmp.resolve(tempName(id, NEW));
        ACTIVE.add(work);
        try {
            Files.createDirectory(work);
            long size = bytes == null ? Fs.writeStream(work.resolve(MSG), message)
                    : admitted(work.resolve(MSG), new Envelope(envelope.sender(), rcpts), bytes);
            int uid = (Integer) Files.getAttribute(work, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            Instant now = Instant.now();
            QueuedMessage m = new QueuedMessage(id, envelope.sender(),
                    rcpts.stream().map(RecipientState::pending).toList(), 0, now, "", "", uid, now, size, null,
                    reportOf);
            Fs.writeNew(work.resolve(ENV), EnvelopeFile.format(m));
            commit(work, id);
            return id;
        } catch (IOException e) {
            Fs.deleteTreeQuietly(work);
            throw Fs.fail("cannot queue message", e, dir);
        } catch (QueueException e) {
            Fs.deleteTreeQuietly(work);
            throw e;
        } finally {
            ACTIVE.remove(work);
        }
    }

    /** Writes {@code message} with what {@link #admission} adds to {@code msg}; returns the length. */
    long admitted(Path msg, Envelope envelope, byte[] message) throws IOException, QueueException {
        Admission.Insert ins;
        try {
            ins = admission.admit(envelope, message);
        } catch (Admission.NotNow e) {
            throw new QueueException(QueueException.Kind.NOT_ADMITTED, e.getMessage(), e);
        }
        try (FileChannel ch = FileChannel.open(msg, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Fs.writeFully(ch, java.nio.ByteBuffer.wrap(message, 0, ins.at()));
            Fs.writeFully(ch, java.nio.ByteBuffer.wrap(ins.bytes()));
            Fs.writeFully(ch, java.nio.ByteBuffer.wrap(message, ins.at(), message.length - ins.at()));
            ch.force(true);
        }
        return (long) message.length + ins.bytes().length;
    }

    /**
     * The owner's message into maildrop/, durable as its enqueue would make it: the owner may
     * fsync the directory, which other users cannot.
     */
    private QueueId dropForPickup(Envelope envelope, byte[] bytes) throws QueueException, IOException {
        QueueId id = Maildrop.submit(maildrop, envelope, new ByteArrayInputStream(bytes));
        try {
            Fs.fsyncDir(maildrop);
        } catch (IOException e) {
            // Not known to be durable: take it back rather than report failure for a visible drop;
            // one a pickup took meanwhile is in the queue, made durable there.
            try {
                if (!Files.deleteIfExists(maildrop.resolve(id.value()))) {
                    return id;
                }
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        return id;
    }

    /** Makes a complete entry in tmp/ durable and visible under queue/ID. */
    void commit(Path work, QueueId id) throws IOException {
        Fs.fsyncDir(work);
        Path target = queue.resolve(id.value());
        Fs.rename(work, target);
        try {
            Fs.fsyncDir(queue);
        } catch (IOException e) {
            // Not known to be durable: take it back rather than report failure for a visible entry.
            try {
                Fs.rename(target, work);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
    }

    static String tempName(QueueId id, String kind) {
        return id.value() + "." + Owner.self().token() + "." + kind;
    }

    // ---------------------------------------------------------------- delivery

    /**
     * Ids whose next attempt is due at {@code now} and that nobody has claimed, oldest first.
     * Damaged or foreign entries found on the way are quarantined (and logged), not returned.
     *
     * @throws UncheckedIOException if queue/ itself cannot be read
     */
    public List<QueueId> due(Instant now) {
        List<QueueId> out = new ArrayList<>();
        List<QueueId> suspicious = new ArrayList<>();
        for (String name : names(queue)) {
            if (!QueueId.isValid(name)) {
                quarantine(queue.resolve(name), "queue", "foreign file in queue/");
                continue;
            }
            QueueId id = new QueueId(name);
            try {
                QueuedMessage m = readEntry(id, queue.resolve(name));
                if (!m.nextAttempt().isAfter(now)) {
                    out.add(id);
                }
            } catch (Damaged | IOException e) {
                suspicious.add(id); // or just claimed by someone meanwhile
            }
        }
        // Judge only what we hold: claim() re-reads the entry and quarantines it if really damaged.
        for (QueueId id : suspicious) {
            try {
                claim(id).ifPresent(c -> {
                    if (!c.message().nextAttempt().isAfter(now)) {
                        out.add(id);
                    }
                    c.close();
                });
            } catch (QueueException e) {
                QueueLog.warn("cannot check entry {}: {}", id, e.getMessage());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * Takes {@code id} for delivery with one rename, queue/ID to claimed/ID.PID.START.SINCE.
     * Empty if another runner has it, it is gone, or it is damaged (then it is quarantined).
     */
    public Optional<Claim> claim(QueueId id) throws QueueException {
        requireOwner("cannot claim " + id);
        Optional<FileClaim> oc = take(id, queue, "queue");
        if (oc.isEmpty()) {
            return Optional.empty();
        }
        FileClaim c = oc.get();
        if (c.message().pendingRecipients().isEmpty()) {
            // A runner died between recording the last result and moving the entry on: finish that.
            if (c.message().failedRecipients().isEmpty()) {
                c.remove();
            } else {
                c.finishFailed(c.message());
            }
            return Optional.empty();
        }
        return Optional.of(c);
    }

    /**
     * For the queue's administrator (requeue, delete, bounce): takes {@code id} from queue/, else
     * from failed/, with the same rename a runner uses, so that it never races a delivery. Empty if
     * a runner holds it ({@link #claimedBy}) or it is not in the queue. Closing the claim unchanged
     * puts the entry back where it was.
     */
    public Optional<Claim> claimForAdmin(QueueId id) throws QueueException {
        requireOwner("cannot claim " + id);
        Optional<FileClaim> c = take(id, queue, "queue");
        return (c.isPresent() ? c : take(id, failed, "failed")).map(Claim.class::cast);
    }

    /** The pid of the runner that holds {@code id} now, if one does. */
    public OptionalLong claimedBy(QueueId id) {
        try {
            for (String name : namesChecked(claimed)) {
                ClaimName c = ClaimName.parse(name);
                if (c != null && c.id().equals(id)) {
                    return OptionalLong.of(c.owner().pid());
                }
            }
        } catch (IOException e) {
            // cannot tell: not held, as far as we know
        }
        return OptionalLong.empty();
    }

    /** Renames {@code dir}/ID to claimed/ and checks it; empty if it is not there or was quarantined. */
    private Optional<FileClaim> take(QueueId id, Path dir, String origin) throws QueueException {
        Path src = dir.resolve(id.value());
        Path held = claimed.resolve(claimName(id, System.currentTimeMillis()));
        try {
            Fs.rename(src, held);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            if (uidOf(src) != ownerUid) {
                // written by another user: retrying would spin, so set it aside once
                quarantine(src, origin, "cannot claim it: permission denied (" + ownership(src) + ")");
                return Optional.empty();
            }
            throw Fs.fail("cannot claim " + id, e, claimed);
        } catch (IOException e) {
            throw Fs.fail("cannot claim " + id, e, claimed);
        }
        QueuedMessage m;
        try {
            m = readEntry(id, held);
            Files.deleteIfExists(held.resolve(ENV_TMP)); // left by a runner that died mid-update
        } catch (Damaged d) {
            quarantine(held, "claimed", d.getMessage());
            return Optional.empty();
        } catch (AccessDeniedException e) {
            quarantine(held, "claimed", unreadable(e));
            return Optional.empty();
        } catch (IOException e) {
            try {
                Fs.rename(held, src);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw Fs.fail("cannot read entry " + id, e, held);
        }
        return Optional.of(new FileClaim(this, id, held, m, src));
    }

    /** Reads and checks an entry directory: envelope parses, belongs to {@code id}, body has the recorded size. */
    static QueuedMessage readEntry(QueueId id, Path entry) throws Damaged, IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Damaged("entry vanished");
        }
        if (!a.isDirectory()) {
            throw new Damaged("not a directory");
        }
        byte[] env;
        try {
            env = Fs.readSmall(entry.resolve(ENV), EnvelopeFile.MAX_SIZE);
        } catch (NoSuchFileException e) {
            throw new Damaged("envelope file missing");
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("larger than")) {
                throw new Damaged("envelope file too large");
            }
            throw e;
        }
        if (env.length == 0) {
            throw new Damaged("envelope file is empty");
        }
        QueuedMessage m = EnvelopeFile.parse(env);
        if (!m.id().equals(id)) {
            throw new Damaged("envelope belongs to " + m.id());
        }
        BasicFileAttributes b;
        try {
            b = Files.readAttributes(entry.resolve(MSG), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Damaged("message body missing");
        }
        if (!b.isRegularFile()) {
            throw new Damaged("message body is not a regular file");
        }
        if (b.size() != m.size()) {
            throw new Damaged("message body is " + b.size() + " bytes, envelope says " + m.size());
        }
        return m;
    }

    static String claimName(QueueId id, long sinceMillis) {
        return id.value() + "." + Owner.self().token() + "." + sinceMillis;
    }

    /** A claim directory name split into id, owner, since; null if it is not one. */
    record ClaimName(QueueId id, Owner owner, long since) {
        static ClaimName parse(String name) {
            String[] f = name.split("\\.", -1);
            if (f.length != 4 || !QueueId.isValid(f[0]) || !Owner.isDecimal(f[3])) {
                return null;
            }
            Owner o = Owner.parse(f[1], f[2]);
            return o == null ? null : new ClaimName(new QueueId(f[0]), o, Long.parseLong(f[3]));
        }
    }

    /** A tmp/ name: ID.PID.START.KIND; null if it is not one. */
    record TempName(QueueId id, Owner owner, String kind) {
        /** True if nobody works on tmp/ entry {@code p} (this name) any more: its process is gone, or it is ours and idle. */
        boolean abandoned(Path p) {
            return owner.equals(Owner.self()) ? !ACTIVE.contains(p) : !owner.isAlive();
        }

        static TempName parse(String name) {
            String[] f = name.split("\\.", -1);
            if (f.length != 4 || !QueueId.isValid(f[0])) {
                return null;
            }
            Owner o = Owner.parse(f[1], f[2]);
            return o == null ? null : new TempName(new QueueId(f[0]), o, f[3]);
        }
    }

    /**
     * Returns to the queue every claim whose runner is dead (pid gone, zombie, or pid reused by
     * a process with another start time) or that was taken longer than {@code olderThan} ago;
     * also clears what dead processes left in tmp/. A runner that outlives {@code olderThan}
     * loses its claim (its later calls fail with CLAIM_LOST), and the message may be sent again,
     * so make it much longer than any delivery takes.
     *
     * @return how many claims went back to the queue
     */
    public int recoverStaleClaims(Duration olderThan) throws QueueException {
        requireOwner("cannot recover claims");
        return new Recovery(this).run(olderThan);
    }

    // ---------------------------------------------------------------- maildrop pickup


    /**
     * Moves complete maildrop files into the queue (run by the queue's owner). Each file is
     * renamed into a private tmp/ directory first, so its submitter can no longer touch it, then
     * checked (regular file, one link, header parses, claimed uid = file owner, exact size),
     * copied into a new entry that records the file owner's uid, and committed. Refused files go
     * to quarantine/ with a log line. Also finishes pickups of a crashed run.
     *
     * @return how many messages entered the queue
     */
    public int pickup() throws QueueException {
        requireOwner("cannot pick up from the maildrop");
        return new Pickup(this).run();
    }

    /** Number of complete files waiting in maildrop/ (for -bp); 0 if it cannot be read. */
    public int maildropBacklog() {
        try {
            return (int) namesChecked(maildrop).stream().filter(QueueId::isValid).count();
        } catch (IOException e) {
            return 0;
        }
    }

    // ---------------------------------------------------------------- listing

    /** Every entry in queue/, claimed/ and failed/, oldest first (for {@code -bp}). Damaged ones are logged and skipped. */
    public List<QueueEntry> list() throws QueueException {
        List<QueueEntry> out = new ArrayList<>();
        try {
            for (String name : namesChecked(queue)) {
                addEntry(out, name, queue.resolve(name), QueueEntry.Status.QUEUED, 0);
            }
            for (String name : namesChecked(claimed)) {
                ClaimName c = ClaimName.parse(name);
                if (c != null) {
                    addEntry(out, c.id().value(), claimed.resolve(name), QueueEntry.Status.CLAIMED, c.owner().pid());
                }
            }
            for (String name : namesChecked(failed)) {
                addEntry(out, name, failed.resolve(name), QueueEntry.Status.FAILED, 0);
            }
        } catch (IOException e) {
            throw Fs.fail("cannot list queue", e, dir);
        }
        out.sort((a, b) -> a.id().compareTo(b.id()));
        return out;
    }

    private static void addEntry(List<QueueEntry> out, String name, Path entry, QueueEntry.Status s, long pid) {
        if (!QueueId.isValid(name)) {
            return;
        }
        try {
            QueuedMessage m = readEntry(new QueueId(name), entry);
            out.add(QueueEntry.of(m, s, pid));
        } catch (Damaged e) {
            if (!e.getMessage().equals("entry vanished")) {
                QueueLog.warn("damaged entry {}: {}", entry, e.getMessage());
            }
        } catch (IOException e) {
            // moved by a runner while we looked: fine for a listing
        }
    }

    /** The first {@code max} bytes of a waiting or failed message (for listings); null if not there now. */
    public byte[] messageHead(QueueId id, int max) {
        for (Path d : List.of(queue, failed)) {
            try (java.io.InputStream in = Files.newInputStream(d.resolve(id.value()).resolve(MSG), LinkOption.NOFOLLOW_LINKS)) {
                return in.readNBytes(max);
            } catch (IOException e) {
                // not here
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Moves {@code p} (file, directory or symlink; never followed) to quarantine/ and logs why.
     * Never throws: a runner must survive anything it finds.
     */
    boolean quarantine(Path p, String origin, String reason) {
        String name = p.getFileName().toString();
        if (name.length() > 80) {
            name = name.substring(0, 80);
        }
        String base = origin + "." + name + "." + System.currentTimeMillis() + "."
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 25), 36);
        if (!isOwner()) {
            QueueLog.warn("not the queue's owner: leaving {} alone ({})", p, reason);
            return false;
        }
        Path dst = quarantine.resolve(base);
        try {
            try {
                Fs.rename(p, dst);
            } catch (AccessDeniedException e) {
                dst = p.resolveSibling(STUCK + base); // see STUCK
                Fs.rename(p, dst);
            }
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            QueueLog.warn("cannot quarantine {} ({}): {}", p, reason, e.toString());
            return false;
        }
        String where = dst.startsWith(quarantine) ? "" : " (left as " + dst
                + ": another user's directory cannot be moved out; root can chown -R it to the queue's owner"
                + " and move it back, or remove it)";
        try {
            Fs.writeNew(quarantine.resolve(base + ".reason"),
                    (p + ": " + reason + where + "\n").getBytes(StandardCharsets.UTF_8));
            Fs.fsyncDir(quarantine);
        } catch (IOException e) {
            // the log line below still says it
        }
        QueueLog.warn("quarantined {} as {}: {}", p, dst, reason);
        return true;
    }

    /** Directory entries; unchecked failure for the methods that cannot throw QueueException. */
    private static List<String> names(Path d) {
        try {
            return namesChecked(d);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + d, e);
        }
    }

    /** Directory entries, without those quarantined in place ({@link #STUCK}). */
    static List<String> namesChecked(Path d) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!name.startsWith(STUCK)) {
                    out.add(name);
                }
            }
        }
        return out;
    }

    /** The uid owning {@code p} (not followed); -1 if it cannot be told. */
    static long uidOf(Path p) {
        try {
            return Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "owned by uid N, the queue's owner is uid M", for the log line of something we cannot touch. */
    String ownership(Path p) {
        long uid = uidOf(p);
        return (uid < 0 ? "" : "owned by uid " + uid + ", ") + "the queue's owner is uid " + ownerUid;
    }

    String unreadable(AccessDeniedException e) {
        return e.getFile() == null ? "cannot read it: permission denied"
                : "cannot read " + e.getFile() + ": permission denied (" + ownership(Path.of(e.getFile())) + ")";
    }

    @Override
    public String toString() {
        return "MailQueue[" + dir + "]";
    }
}
