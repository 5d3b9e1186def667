package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.queue.MailQueue;
import org.slf4j.Logger;

/**
 * The long-running delivery loop of {@code --daemon} and of the runner a sendmail call starts:
 * takes mail from the maildrop and the queue the moment it arrives (a file-system watch on queue/,
 * maildrop/ and claimed/), retries deferred mail when it is due, keeps one SSH connection while
 * there is work and closes it (and stops the SSH client) after {@code idle_timeout} without any.
 * The {@link Lifetime} says when it ends. It holds its byte of {@code QUEUE/daemon.lock} for its
 * whole life ({@link QueueLocks.Server}), so that sendmail calls start no runner of their own, and
 * {@code runner.lock} only during a run, so that a user's {@code -q} can flush while it sleeps.
 */
public final class DeliveryLoop {
    private static final Logger LOG = ClientLog.get("daemon");
    private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);

    /** When the loop ends, and as whom it holds {@code daemon.lock}. */
    public enum Lifetime {
        /** {@code --daemon}: on SIGTERM only. */
        UNTIL_STOPPED(QueueLocks.Server.DAEMON),
        /** {@code --runner}: once nothing waits in the queue or the maildrop, or a daemon has started. */
        WHILE_MAIL_WAITS(QueueLocks.Server.RUNNER);

        final QueueLocks.Server server;

        Lifetime(QueueLocks.Server server) {
            this.server = server;
        }
    }

    private final ClientConfig config;
    private final MailQueue queue;
    private final String domain;
    private final Lifetime lifetime;
    private volatile boolean stop;
    private WatchService watch;

    public DeliveryLoop(ClientConfig config, MailQueue queue, String domain, Lifetime lifetime) {
        this.config = config;
        this.queue = queue;
        this.domain = domain;
        this.lifetime = lifetime;
    }

    /** Runs until the lifetime ends; returns the exit code. */
    public int run() throws IOException {
        try (FileChannel lockFile = QueueLocks.open(queue.directory(), QueueLocks.DAEMON)) {
            FileLock lock = lifetime.server.tryLock(lockFile);
            if (lock == null) {
                if (lifetime == Lifetime.WHILE_MAIL_WAITS) {
                    LOG.debug("a daemon or runner already serves {}", queue.directory());
                    return 0; // it looks at the queue again before it leaves
                }
                LOG.error("another sshsendmail --daemon is running on {}", queue.directory());
                System.err.println("4.3.0 another sshsendmail --daemon is already running on " + queue.directory());
                return 75;
            }
            try (FileChannel runnerLock = QueueLocks.open(queue.directory(), QueueLocks.RUNNER);
                 WatchService w = FileSystems.getDefault().newWatchService()) {
                watch = w;
                // a rename into a directory is ENTRY_CREATE there; one out of claimed/ (released, done) ENTRY_DELETE
                queue.directory().resolve("queue").register(w, StandardWatchEventKinds.ENTRY_CREATE);
                queue.maildrop().register(w, StandardWatchEventKinds.ENTRY_CREATE);
                queue.directory().resolve("claimed").register(w, StandardWatchEventKinds.ENTRY_DELETE);
                if (lifetime == Lifetime.UNTIL_STOPPED) {
                    // its pid in daemon.lock, for the admin, and to wake a staying runner: it leaves now
                    lockFile.truncate(0);
                    lockFile.write(ByteBuffer.wrap(("daemon " + ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                } else {
                    queue.directory().register(w, StandardWatchEventKinds.ENTRY_MODIFY); // daemon.lock written
                }
                Thread hook = stopOnSignal(Thread.currentThread());
                Runtime.getRuntime().addShutdownHook(hook);
                if (lifetime == Lifetime.UNTIL_STOPPED) {
                    LOG.info("daemon started: queue {} relays {}", queue.directory(), config.relays());
                }
                try {
                    loop(lockFile, lock, runnerLock);
                } finally {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException e) {
                        // shutting down: the hook is at work
                    }
                    if (lifetime == Lifetime.UNTIL_STOPPED) {
                        LOG.info("daemon stopped");
                    }
                }
            }
        }
        return 0;
    }

    private void loop(FileChannel lockFile, FileLock held, FileChannel runnerLock) throws IOException {
        FileLock lock = held;
        SshSender sender = new SshSender(config);
        QueueRunner runner = new QueueRunner(config, queue, sender, domain);
        try {
            Instant lastHousekeeping = Instant.MIN;
            while (!stop) {
                if (lifetime == Lifetime.WHILE_MAIL_WAITS && QueueLocks.Server.DAEMON.isHeld(lockFile)) {
                    LOG.debug("a daemon serves {} now", queue.directory());
                    return;
                }
                FileLock run = runnerLock.tryLock();
                if (run == null) {
                    await(1000); // a -q run is at work: look again when it is done
                    continue;
                }
                QueueRunner.Summary s;
                try {
                    Instant now = Instant.now();
                    if (Duration.between(lastHousekeeping, now).compareTo(HOUSEKEEPING) > 0) {
                        runner.housekeeping();
                        lastHousekeeping = now;
                    } else {
                        runner.pickup();
                    }
                    s = runner.runOnce(now);
                } finally {
                    run.release();
                }
                if (s.total() > 0) {
                    LOG.debug("run: {}", s);
                    continue; // more may have arrived meanwhile
                }
                QueueRunner.Backlog waiting = runner.backlog();
                if (lifetime == Lifetime.WHILE_MAIL_WAITS && waiting.isEmpty()) {
                    // A sendmail call that saw our lock started no runner: after letting go, look
                    // once more, and carry on if mail came in meanwhile (unless another runner has it).
                    lock.release();
                    lock = runner.backlog().isEmpty() ? null : lifetime.server.tryLock(lockFile);
                    if (lock == null) {
                        return;
                    }
                    continue;
                }
                await(waitMillis(waiting, sender));
            }
        } finally {
            sender.close();
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        }
    }

    /** Until the next message is due, at most 5 minutes, and no longer than the idle SSH connection may stay open. */
    private long waitMillis(QueueRunner.Backlog waiting, SshSender sender) {
        long ms = waiting.nextDue() == null ? Long.MAX_VALUE
                : Math.max(0, Duration.between(Instant.now(), waiting.nextDue()).toMillis());
        if (ms == 0) {
            ms = 1000; // due but not deliverable yet (claimed by another runner)
        }
        if (sender.isActive()) {
            long idleLeft = config.idleTimeout().toMillis() - (System.nanoTime() - sender.lastUse()) / 1_000_000;
            if (idleLeft <= 0) {
                sender.close(); // no work: close the connection and stop the SSH client
                // give the heap back (with -XX:MaxHeapFreeRatio a full GC shrinks it): idle memory
                System.gc();
                LOG.debug("idle: SSH connection closed");
            } else {
                ms = Math.min(ms, idleLeft);
            }
        }
        return Math.min(ms, HOUSEKEEPING.toMillis());
    }

    /** SIGTERM: stop after the message at hand, and give the loop 10 s to say so. */
    private Thread stopOnSignal(Thread main) {
        return new Thread(() -> {
            stop = true;
            try {
                watch.close();
            } catch (IOException e) {
                // stopping anyway
            }
            try {
                main.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sshsendmail-stop");
    }

    /** Sleeps until a file appears in queue/ or maildrop/, one leaves claimed/, a daemon starts, or {@code ms} pass. */
    private void await(long ms) {
        try {
            WatchKey key = watch.poll(ms, TimeUnit.MILLISECONDS);
            while (key != null) {
                key.pollEvents();
                key.reset();
                key = watch.poll(); // drain: one run takes them all
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop = true;
        } catch (ClosedWatchServiceException e) {
            stop = true;
        }
    }
}
