package net.rsendmail.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.delivery.Daemon;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.delivery.QueueLocks;
import net.rsendmail.client.delivery.QueueRunner;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.mode.NullmailerRemote;
import net.rsendmail.client.mode.PostfixPipe;
import net.rsendmail.client.mode.QueueList;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.config.ConfigException;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueException;
import org.slf4j.Logger;

/** The modes other than queueing one message, kept apart so that the enqueue path loads none of this. */
final class Modes {
    private Modes() {
    }

    static int list(ClientConfig config, PrintStream out) throws Refusal {
        try {
            QueueList.print(MailQueue.open(config.queue()), out, Instant.now());
            return 0;
        } catch (QueueException e) {
            throw queueRefusal("cannot list the queue " + config.queue(), e);
        }
    }

    static int flush(ClientConfig config, boolean verbose, PrintStream err) throws Refusal {
        ClientLog.init(config.log(), verbose, err);
        Logger log = ClientLog.get("runner");
        MailQueue q = writableQueue(config);
        String domain = Identity.domain(config.domain());
        Path lockPath = q.directory().resolve(QueueLocks.RUNNER);
        try (SshSender sender = new SshSender(config)) {
            QueueRunner runner = new QueueRunner(config, q, sender, domain);
            boolean first = true;
            while (true) {
                try (FileChannel ch = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                    FileLock lock = ch.tryLock();
                    if (lock == null) {
                        log.debug("another runner is at work on {}", q.directory());
                        return 0; // it looks again after releasing its lock
                    }
                    if (first) {
                        runner.housekeeping();
                        first = false;
                    } else {
                        runner.pickup();
                    }
                    for (int i = 0; i < 10_000; i++) {
                        QueueRunner.Summary s = runner.runOnce(Instant.now());
                        if (s.total() == 0) {
                            break;
                        }
                    }
                    lock.release();
                }
                // a message queued while we held the lock may have had its own runner turned away
                if (q.due(Instant.now()).isEmpty()) {
                    return 0;
                }
            }
        } catch (IOException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", "cannot lock " + lockPath + ": " + e.getMessage());
        }
    }

    static int daemon(ClientConfig config, boolean verbose, PrintStream err) throws Refusal {
        ClientLog.init(config.log(), verbose, err);
        MailQueue q = writableQueue(config);
        try {
            return new Daemon(config, q, Identity.domain(config.domain())).run();
        } catch (IOException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", "daemon: " + e.getMessage());
        }
    }

    static int postfix(CommandLine cl, ClientConfig config, InputStream stdin, PrintStream out) throws Refusal {
        return PostfixPipe.run(cl, config, stdin, out);
    }

    static int nullmailer(CommandLine cl, Path explicitConfig, InputStream stdin, PrintStream err) {
        try {
            NullmailerRemote.Options o = NullmailerRemote.readOptions(stdin);
            Path file = o.get("config") != null ? Path.of(o.get("config"))
                    : explicitConfig != null ? explicitConfig : ClientConfig.DEFAULT_FILE;
            boolean explicit = o.get("config") != null || explicitConfig != null;
            ClientConfig base;
            try {
                base = ClientConfigReader.load(file, explicit);
            } catch (ConfigException e) {
                err.println("sshsendmail: Failed: 4.3.5 configuration: " + e.getMessage());
                return ExitCodes.NM_CONFIG;
            }
            ClientConfig config = NullmailerRemote.apply(o, base);
            try (InputStream fd3 = NullmailerRemote.openFd3()) {
                return NullmailerRemote.deliver(config, fd3, err);
            }
        } catch (NullmailerRemote.Problem p) {
            err.println("sshsendmail: Failed: " + p.getMessage());
            return p.code();
        } catch (IOException e) {
            err.println("sshsendmail: Failed: cannot read options or message: " + e.getMessage());
            return ExitCodes.NM_MSG_READ;
        }
    }

    private static MailQueue writableQueue(ClientConfig config) throws Refusal {
        MailQueue q;
        try {
            q = MailQueue.open(config.queue());
        } catch (QueueException e) {
            throw queueRefusal("cannot open the queue " + config.queue(), e);
        }
        if (!q.isWritable()) {
            throw new Refusal(SysExit.NOPERM, "4.3.0", "only the owner of the queue " + config.queue()
                    + " can deliver from it (the daemon does it for other users)");
        }
        return q;
    }

    private static Refusal queueRefusal(String what, QueueException e) {
        SysExit code = SysExit.of(e.exitCode());
        return new Refusal(code == null ? SysExit.IOERR : code, e.enhancedStatus(), what + ": " + e.getMessage());
    }
}
