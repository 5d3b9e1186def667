package net.rsendmail.queue;

import static net.rsendmail.queue.MailQueue.ENV_TMP;
import static net.rsendmail.queue.MailQueue.NEW;
import static net.rsendmail.queue.MailQueue.PICKUP;
import static net.rsendmail.queue.MailQueue.TRASH;
import static net.rsendmail.queue.MailQueue.namesChecked;
import static net.rsendmail.queue.MailQueue.readEntry;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.rsendmail.queue.MailQueue.ClaimName;
import net.rsendmail.queue.MailQueue.TempName;

/** Recovery after crashes (see {@link MailQueue#recoverStaleClaims}): stale claims back to the queue, dead writers' leftovers out of tmp/. */
final class Recovery {
    private final MailQueue q;

    Recovery(MailQueue q) {
        this.q = q;
    }

    int run(Duration olderThan) throws QueueException {
        long limit = System.currentTimeMillis() - olderThan.toMillis();
        int n = 0;
        List<String> names;
        try {
            names = namesChecked(q.claimed);
        } catch (IOException e) {
            throw Fs.fail("cannot read " + q.claimed, e, q.claimed);
        }
        for (String name : names) {
            ClaimName c = ClaimName.parse(name);
            Path held = q.claimed.resolve(name);
            if (c == null) {
                q.quarantine(held, "claimed", "foreign file in claimed/");
                continue;
            }
            boolean dead = !c.owner().isAlive();
            if (!dead && c.since() > limit) {
                continue;
            }
            try {
                QueuedMessage m;
                try {
                    m = readEntry(c.id(), held);
                } catch (Damaged d) {
                    if (Files.exists(held, LinkOption.NOFOLLOW_LINKS)) {
                        q.quarantine(held, "claimed", d.getMessage());
                    }
                    continue;
                } catch (AccessDeniedException e) {
                    q.quarantine(held, "claimed", q.unreadable(e));
                    continue;
                }
                Files.deleteIfExists(held.resolve(ENV_TMP));
                // nothing pending: the runner died between recording the last results and moving on
                Path target = m.pendingRecipients().isEmpty() ? q.failed.resolve(c.id().value())
                        : q.queue.resolve(c.id().value());
                Fs.rename(held, target);
                n++;
                QueueLog.info("recovered claim {} ({}) to {}", name, dead ? "runner gone" : "claim too old", target);
            } catch (NoSuchFileException e) {
                // released or recovered by someone else meanwhile
            } catch (IOException e) {
                throw Fs.fail("cannot recover claim " + name, e, q.claimed);
            }
        }
        if (n > 0) {
            try {
                Fs.fsyncDir(q.queue);
                Fs.fsyncDir(q.failed);
                Fs.fsyncDir(q.claimed);
            } catch (IOException e) {
                throw Fs.fail("cannot recover claims", e, q.queue);
            }
        }
        try {
            cleanTmp();
        } catch (IOException e) {
            throw Fs.fail("cannot read " + q.tmp, e, q.tmp);
        }
        return n;
    }

    /** Deletes unfinished enqueues and removals of dead processes; quarantines foreign names. */
    private void cleanTmp() throws IOException {
        for (String name : namesChecked(q.tmp)) {
            Path p = q.tmp.resolve(name);
            TempName t = TempName.parse(name);
            if (t == null) {
                q.quarantine(p, "tmp", "foreign file in tmp/");
            } else if (t.kind().equals(PICKUP)) {
                continue; // pickup() redoes these
            } else if (!t.kind().equals(NEW) && !t.kind().equals(TRASH)) {
                q.quarantine(p, "tmp", "unknown kind of temp entry");
            } else if (t.abandoned(p)) {
                // an enqueue that never returned success, or a removal: not part of the queue
                Fs.deleteTreeQuietly(p);
                if (t.kind().equals(NEW)) {
                    QueueLog.info("discarded unfinished enqueue {} of dead process {}", t.id(), t.owner().pid());
                }
            }
        }
    }
}
