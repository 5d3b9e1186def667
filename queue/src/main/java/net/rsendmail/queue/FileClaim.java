package net.rsendmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A claim is the entry directory renamed to claimed/ID.PID.START.SINCE. Every change goes through
 * that path: if recovery took the claim back, the path no longer resolves and the change fails
 * with CLAIM_LOST instead of touching an entry someone else may hold now.
 */
final class FileClaim implements Claim {
    private final MailQueue q;
    private final QueueId id;
    /** Where an unchanged entry goes back to: queue/ID, or failed/ID for one the administrator took from there. */
    private final Path home;
    private Path dir;
    private QueuedMessage message;
    private boolean ended;
    private boolean readable = true;
    /** Ended in failed/: the body stays readable and {@link #remove()} may still delete it. */
    private boolean inFailed;

    FileClaim(MailQueue q, QueueId id, Path dir, QueuedMessage message) {
        this(q, id, dir, message, q.queue.resolve(id.value()));
    }

    FileClaim(MailQueue q, QueueId id, Path dir, QueuedMessage message, Path home) {
        this.q = q;
        this.id = id;
        this.home = home;
        this.dir = dir;
        this.message = message;
    }

    @Override
    public QueueId id() {
        return id;
    }

    @Override
    public QueuedMessage message() {
        return message;
    }

    @Override
    public InputStream openBody() throws IOException {
        if (!readable) {
            throw new IOException("claim on " + id + " has ended; the entry is no longer held");
        }
        return Files.newInputStream(dir.resolve(MailQueue.MSG), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public long size() {
        return message.size();
    }

    @Override
    public void delivered(Map<String, RecipientResult> results, Instant nextAttempt) throws QueueException {
        open();
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        List<String> pending = message.pendingRecipients();
        for (String a : results.keySet()) {
            if (!pending.contains(a)) {
                throw new IllegalArgumentException("not a pending recipient of " + id + ": " + QueueId.printable(a));
            }
        }
        List<RecipientState> left = new ArrayList<>();
        RecipientResult lastTemporary = null;
        RecipientResult lastPermanent = null;
        for (RecipientState r : message.recipients()) {
            RecipientResult res = r.state() == RecipientState.State.PENDING ? results.get(r.address()) : null;
            if (res == null) {
                left.add(r);
                continue;
            }
            switch (res.kind()) {
                case DELIVERED -> { } // gone for good
                case TEMPORARY -> {
                    left.add(new RecipientState(r.address(), RecipientState.State.PENDING, res.enhancedStatus(), res.text()));
                    lastTemporary = res;
                }
                case PERMANENT -> {
                    left.add(new RecipientState(r.address(), RecipientState.State.FAILED, res.enhancedStatus(), res.text()));
                    lastPermanent = res;
                }
                default -> throw new IllegalStateException();
            }
        }
        // last-status/last-error: what will be retried matters most, then what failed for good
        RecipientResult last = lastTemporary != null ? lastTemporary : lastPermanent;
        String lastStatus = last == null ? message.lastStatus() : last.enhancedStatus();
        String lastError = last == null ? message.lastError() : last.text();
        QueuedMessage m = message.withState(left, message.attempts() + 1, nextAttempt, lastStatus, lastError);
        boolean anyPending = left.stream().anyMatch(r -> r.state() == RecipientState.State.PENDING);
        if (!anyPending && left.isEmpty()) {
            message = m;
            remove();
        } else if (!anyPending) {
            finishFailed(m);
        } else {
            update(m);
            release();
        }
    }

    @Override
    public void defer(String enhancedStatus, String error, Instant nextAttempt) throws QueueException {
        open();
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        QueuedMessage m = message.withState(message.recipients(), message.attempts() + 1, nextAttempt,
                Checks.status(enhancedStatus), Checks.text(error));
        update(m);
        release();
    }

    @Override
    public void requeue(Instant nextAttempt) throws QueueException {
        open();
        Objects.requireNonNull(nextAttempt, "nextAttempt");
        List<RecipientState> again = message.recipients().stream()
                .map(r -> new RecipientState(r.address(), RecipientState.State.PENDING, r.status(), r.text())).toList();
        update(message.withState(again, message.attempts(), nextAttempt, message.lastStatus(), message.lastError()));
        release();
    }

    @Override
    public void delayWarned(Instant at) throws QueueException {
        open();
        update(message.warnedAt(at));
    }

    @Override
    public void remove() throws QueueException {
        if (!inFailed) {
            open();
        }
        Path trash = q.tmp.resolve(MailQueue.tempName(id, MailQueue.TRASH));
        MailQueue.ACTIVE.add(trash);
        try {
            try {
                Fs.rename(dir, trash);
                Fs.fsyncDir(dir.getParent());
            } catch (IOException e) {
                throw lost("cannot remove", e);
            }
            ended = true;
            readable = false;
            inFailed = false;
            Fs.deleteTreeQuietly(trash);
        } finally {
            MailQueue.ACTIVE.remove(trash);
        }
    }

    @Override
    public void moveToFailed(String reason) throws QueueException {
        open();
        finishFailed(message.withState(message.recipients(), message.attempts(), message.nextAttempt(),
                message.lastStatus(), Checks.text(reason)));
    }

    /** Records {@code m} and moves the entry to failed/ID; the body stays readable there. */
    void finishFailed(QueuedMessage m) throws QueueException {
        update(m);
        Path target = q.failed.resolve(id.value());
        try {
            Fs.rename(dir, target);
            Fs.fsyncDir(q.failed);
            Fs.fsyncDir(q.claimed);
        } catch (IOException e) {
            throw lost("cannot move to failed/", e);
        }
        dir = target;
        ended = true;
        inFailed = true;
    }

    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        readable = false;
        try {
            Fs.rename(dir, home);
        } catch (NoSuchFileException e) {
            QueueLog.warn("claim on {} was taken back before it was released", id);
        } catch (IOException e) {
            // it stays in claimed/; recoverStaleClaims() returns it once this process is gone
            QueueLog.warn("cannot release claim on {}: {}", id, e.toString());
        }
    }

    /** Replaces the envelope inside the held directory: temp file, fsync, rename, fsync directory. */
    private void update(QueuedMessage m) throws QueueException {
        Path t = dir.resolve(MailQueue.ENV_TMP);
        try {
            Files.deleteIfExists(t); // fresh inode: a writer that lost this claim may still hold the old one
            Fs.writeNew(t, EnvelopeFile.format(m));
            Fs.rename(t, dir.resolve(MailQueue.ENV));
            Fs.fsyncDir(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(t);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw lost("cannot update envelope", e);
        }
        message = m;
    }

    private void release() throws QueueException {
        try {
            Fs.rename(dir, q.queue.resolve(id.value()));
            Fs.fsyncDir(q.queue);
        } catch (IOException e) {
            throw lost("cannot release", e);
        }
        ended = true;
        readable = false;
    }

    private void open() {
        if (ended) {
            throw new IllegalStateException("claim on " + id + " has already ended");
        }
    }

    private QueueException lost(String what, IOException e) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            ended = true;
            readable = false;
            return new QueueException(QueueException.Kind.CLAIM_LOST,
                    what + " " + id + ": the claim was taken back (runner too slow?)", e);
        }
        return Fs.fail(what + " " + id, e, dir);
    }
}
