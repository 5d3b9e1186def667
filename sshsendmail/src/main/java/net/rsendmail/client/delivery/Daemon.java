package net.rsendmail.client.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
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
 * {@code sshsendmail --daemon}: stays up, takes mail from the maildrop and the queue the moment
 * it arrives (a file-system watch on queue/ and maildrop/), retries deferred mail when it is due,
 * keeps one SSH connection while there is work and closes it (and stops the SSH client) after
 * {@code idle_timeout} without any. Holds an exclusive lock on {@code QUEUE/daemon.lock} so that
 * a second daemon refuses to start and standalone callers know not to start their own runner.
 */
public final class Daemon {
    private static final Logger LOG = ClientLog.get("daemon");

    private final ClientConfig config;
    private final MailQueue queue;
    private final String domain;
    private volatile boolean stop;
    private WatchService watch;

    public Daemon(ClientConfig config, MailQueue queue, String domain) {
        this.config = config;
        this.queue = queue;
        this.domain = domain;
    }

    /** Runs until stopped (SIGTERM); returns the exit code. */
    public int run() throws IOException {
        FileChannel lockFile = QueueLocks.open(queue.directory(), QueueLocks.DAEMON);
        FileLock lock = lockFile.tryLock();
        if (lock == null) {
            LOG.error("another sshsendmail --daemon is running on {}", queue.directory());
            System.err.println("4.3.0 another sshsendmail --daemon is already running on " + queue.directory());
            return 75;
        }
        // then wait for a -q run that may be at work to finish, and keep its lock
        FileChannel runnerFile = QueueLocks.open(queue.directory(), QueueLocks.RUNNER);
        FileLock runnerLock = runnerFile.lock();
        watch = FileSystems.getDefault().newWatchService();
        Path incoming = queue.directory().resolve("queue");
        incoming.register(watch, StandardWatchEventKinds.ENTRY_CREATE);  // a rename into it is ENTRY_CREATE too
        queue.maildrop().register(watch, StandardWatchEventKinds.ENTRY_CREATE);  // a rename into it is ENTRY_CREATE too
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
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
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("daemon started: queue {} relays {}", queue.directory(), config.relays());
        SshSender sender = new SshSender(config);
        QueueRunner runner = new QueueRunner(config, queue, sender, domain);
        try {
            Instant lastHousekeeping = Instant.MIN;
            while (!stop) {
                Instant now = Instant.now();
                if (Duration.between(lastHousekeeping, now).compareTo(Duration.ofMinutes(5)) > 0) {
                    runner.housekeeping();
                    lastHousekeeping = now;
                } else {
                    pickupQuietly(runner);
                }
                QueueRunner.Summary s = runner.runOnce(now);
                if (s.total() > 0) {
                    LOG.debug("run: {}", s);
                    continue; // more may have arrived meanwhile
                }
                Instant next = runner.nextDue();
                long waitMs = next == null ? Long.MAX_VALUE : Math.max(0, Duration.between(Instant.now(), next).toMillis());
                if (waitMs == 0) {
                    waitMs = 1000; // due but not deliverable yet (claimed by another runner)
                }
                if (sender.isActive()) {
                    long idleLeft = config.idleTimeout().toMillis()
                            - (System.nanoTime() - sender.lastUse()) / 1_000_000;
                    if (idleLeft <= 0) {
                        sender.close(); // no work: close the connection and stop the SSH client
                        // give the heap back (with -XX:MaxHeapFreeRatio a full GC shrinks it): idle memory
                        System.gc();
                        LOG.debug("idle: SSH connection closed");
                    } else {
                        waitMs = Math.min(waitMs, idleLeft);
                    }
                }
                await(Math.min(waitMs, Duration.ofMinutes(5).toMillis()));
            }
        } finally {
            sender.close();
            runnerLock.release();
            runnerFile.close();
            lock.release();
            lockFile.close();
            LOG.info("daemon stopped");
        }
        return 0;
    }

    private static void pickupQuietly(QueueRunner runner) {
        runner.pickup();
    }

    /** Sleeps until a file appears in queue/ or maildrop/, or {@code ms} pass. */
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
