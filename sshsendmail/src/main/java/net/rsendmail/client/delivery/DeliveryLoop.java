package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardWatchEventKinds;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.mail.Refusal;
import net.rsendmail.queue.MailQueue;
import org.slf4j.Logger;

/**
 * The long-running delivery loop of {@code --daemon} and of the runner a sendmail call starts:
 * takes mail from the maildrop and the queue the moment it arrives (a file-system watch on queue/,
 * maildrop/ and claimed/, see {@link Wakeup}), retries deferred mail when it is due, keeps one SSH
 * connection and one {@code rsendmail --lmtp} channel (the {@link QueueRunner}'s transport) from
 * run to run while there is work, and closes both (and stops the SSH client) after
 * {@code idle_timeout} without any. SIGTERM ends it within {@link #STOP_LIMIT}, exit 0, nothing left
 * claimed; SIGHUP reads the configuration again. The {@link Lifetime} says when it ends otherwise.
 * It holds its byte of {@code QUEUE/daemon.lock} for its whole life ({@link QueueLocks.Server}), so
 * that sendmail calls start no runner of their own, and {@code runner.lock} only during a run, so
 * that a user's {@code -q} can flush while it sleeps.
 */
public final class DeliveryLoop {
    private static final Logger LOG = ClientLog.get("daemon");
    private static final Duration HOUSEKEEPING = Duration.ofMinutes(5);
    /** How long the transaction at hand may take to finish after SIGTERM before its channel is cut. */
    private static final Duration GRACE = Duration.ofMillis(1000);
    /** SIGTERM to exit, at most (systemd's stop waits longer; a shutdown may not). */
    static final Duration STOP_LIMIT = Duration.ofMillis(1800);

    /** Reads and checks the configuration again, as at start (SIGHUP). */
    @FunctionalInterface
    public interface ConfigSource {
        ClientConfig read() throws Refusal;
    }

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

    private final ConfigSource source;
    private final MailQueue queue;
    private final Lifetime lifetime;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stop;
    private volatile boolean reload;
    private ClientConfig config;
    private volatile SshSender sender;
    private QueueRunner runner;
    private Wakeup wakeup;

    public DeliveryLoop(ClientConfig config, ConfigSource source, MailQueue queue, Lifetime lifetime) {
        this.config = config;
        this.source = source;
        this.queue = queue;
        this.lifetime = lifetime;
    }

    /** Runs until the lifetime ends; returns the exit code. */
    public int run() throws IOException {
        try {
            return serve();
        } finally {
            finished.countDown(); // locks released, claims returned: a SIGTERM may end the JVM now
        }
    }

    private int serve() throws IOException {
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
                 Wakeup w = new Wakeup()) {
                wakeup = w;
                // a rename into a directory is ENTRY_CREATE there; one out of claimed/ (released, done) ENTRY_DELETE
                w.on(queue.directory().resolve("queue"), StandardWatchEventKinds.ENTRY_CREATE)
                        .on(queue.maildrop(), StandardWatchEventKinds.ENTRY_CREATE)
                        .on(queue.directory().resolve("claimed"), StandardWatchEventKinds.ENTRY_DELETE);
                if (lifetime == Lifetime.UNTIL_STOPPED) {
                    // its pid in daemon.lock, for the admin, and to wake a staying runner: it leaves now
                    lockFile.truncate(0);
                    lockFile.write(ByteBuffer.wrap(("daemon " + ProcessHandle.current().pid() + "\n")
                            .getBytes(StandardCharsets.US_ASCII)), 0);
                } else {
                    w.on(queue.directory(), StandardWatchEventKinds.ENTRY_MODIFY); // daemon.lock written
                }
                w.start();
                Thread hook = stopOnSignal();
                Runtime.getRuntime().addShutdownHook(hook);
                ReloadSignal.install(() -> {
                    reload = true;
                    w.wake();
                });
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

    /** A sender and a runner for {@link #config}. */
    private void connectAnew() {
        sender = new SshSender(config);
        runner = new QueueRunner(config, queue, sender, Identity.domain(config.domain()), () -> stop);
    }

    /** Closes the runner's transport (QUIT on its LMTP channel), then the SSH connection and client. */
    private void disconnect() {
        runner.close();
        sender.close();
    }

    /**
     * SIGHUP: the configuration as read now, if it is valid; else the one in use stays, with one
     * line naming the file and line. The connection is closed: the next message uses the new relays,
     * identity and timeouts. A new queue directory, log target or DKIM key takes a restart (refused here).
     */
    private void reload() {
        ClientConfig fresh;
        try {
            fresh = source.read();
        } catch (Refusal r) {
            LOG.error("SIGHUP: {}; still using the configuration read before", r.reason());
            return;
        }
        // the queue (and its maildrop pickup, which signs with the dkim keys) and the log were set up at start
        if (!fresh.queue().equals(config.queue()) || !fresh.log().target().equals(config.log().target())
                || !fresh.dkim().equals(config.dkim())) {
            LOG.error("SIGHUP: {}: a new 'queue', 'log' or 'dkim' takes a restart; still using the configuration read"
                    + " before", fresh.file());
            return;
        }
        disconnect();
        config = fresh;
        connectAnew();
        LOG.info("SIGHUP: configuration reloaded from {}: relays {}", config.file(), config.relays());
    }

    private void loop(FileChannel lockFile, FileLock held, FileChannel runnerLock) throws IOException {
        FileLock lock = held;
        connectAnew();
        try {
            Instant lastHousekeeping = Instant.MIN;
            while (!stop) {
                if (reload) {
                    reload = false;
                    reload();
                }
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
                await(waitMillis(waiting));
            }
        } finally {
            disconnect();
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        }
    }

    /** Until the next message is due, at most 5 minutes, and no longer than the idle SSH connection may stay open. */
    private long waitMillis(QueueRunner.Backlog waiting) {
        long ms = waiting.nextDue() == null ? Long.MAX_VALUE
                : Math.max(0, Duration.between(Instant.now(), waiting.nextDue()).toMillis());
        if (ms == 0) {
            ms = 1000; // due but not deliverable yet (claimed by another runner)
        }
        if (sender.isActive()) {
            long idleLeft = config.idleTimeout().toMillis() - (System.nanoTime() - sender.lastUse()) / 1_000_000;
            if (idleLeft <= 0) {
                disconnect(); // no work: close the channel and the connection, stop the SSH client
                // give the heap back (with -XX:MaxHeapFreeRatio a full GC shrinks it): idle memory
                System.gc();
                LOG.debug("idle: LMTP channel and SSH connection closed");
            } else {
                ms = Math.min(ms, idleLeft);
            }
        }
        return Math.min(ms, HOUSEKEEPING.toMillis());
    }

    /**
     * SIGTERM: no further message is taken; the transaction at hand gets {@link #GRACE} to finish,
     * then its channel is cut and its message goes back to the queue as it was. Once the loop has
     * let go of everything the JVM ends with 0 (halt: the exit status of a JVM that a signal
     * stopped is 143 otherwise, which a service manager counts as a failure).
     */
    private Thread stopOnSignal() {
        return new Thread(() -> {
            stop = true;
            wakeup.close();
            if (!awaitFinished(GRACE)) {
                SshSender s = sender;
                if (s != null) {
                    LOG.info("stopping: cutting the transaction at hand short");
                    s.abort();
                }
            }
            if (awaitFinished(STOP_LIMIT.minus(GRACE))) {
                Runtime.getRuntime().halt(0);
            }
            LOG.error("did not stop within {} ms; a message left in claimed/ goes back to the queue at the next start",
                    STOP_LIMIT.toMillis());
        }, "sshsendmail-stop");
    }

    private boolean awaitFinished(Duration d) {
        try {
            return finished.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Sleeps until a file appears in queue/ or maildrop/, one leaves claimed/, a daemon starts, a signal, or {@code ms} pass. */
    private void await(long ms) {
        if (!wakeup.await(ms)) {
            stop = true;
        }
    }
}
