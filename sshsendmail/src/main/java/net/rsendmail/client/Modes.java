package net.rsendmail.client;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.cli.QueueSelector;
import net.rsendmail.client.cli.Terminal;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.config.Durations;
import net.rsendmail.client.config.LoadedConfig;
import net.rsendmail.client.delivery.DeliveryLoop;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.delivery.QueueLocks;
import net.rsendmail.client.delivery.QueueAdmin;
import net.rsendmail.client.delivery.QueueRunner;
import net.rsendmail.client.dkim.DkimSigner;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.EnvelopeRules;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.mode.NullmailerRemote;
import net.rsendmail.client.mode.PostfixPipe;
import net.rsendmail.client.mode.QueueJson;
import net.rsendmail.client.mode.QueueList;
import net.rsendmail.client.mode.RunnerCommand;
import net.rsendmail.client.mode.Standalone;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.client.ssh.UserCertificate;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.client.config.LoadedConfig;
import java.util.Optional;
import net.rsendmail.config.ConfigException;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueException;

/** The modes other than queueing one message, kept apart so that the enqueue path loads none of this. */
final class Modes {
    private Modes() {
    }

    static int list(ClientConfig config, PrintStream out, boolean json) throws Refusal {
        try {
            if (json) {
                QueueJson.print(MailQueue.open(config.queue()), out);
            } else {
                QueueList.print(MailQueue.open(config.queue()), out, Instant.now());
            }
            return 0;
        } catch (QueueException e) {
            throw queueRefusal("cannot list the queue " + config.queue(), e);
        }
    }

    /**
     * {@code -q}: attempts every queued message (or those {@code selector} picks) now, like
     * postqueue -f, after waiting for a run at work to end. 0 when nothing is left deferred, else 75;
     * a summary line on stderr when it is a terminal.
     */
    static int flush(ClientConfig config, Path explicitConfig, QueueSelector selector, boolean verbose, PrintStream err)
            throws Refusal {
        MailQueue q = openQueue(config);
        if (!q.isOwner() && MailQueue.effectiveUid() == 0) {
            String arg = selector.argument();
            return asOwner(q, explicitConfig, "-q", verbose ? List.of(arg, "-v") : List.of(arg));
        }
        requireOwner(q, "-q");
        ClientLog.init(config.log(), verbose, err); // only now: a log file is the owner's too
        Path lockPath = q.directory().resolve(QueueLocks.RUNNER);
        // another run's message takes at most this long: connect, authenticate, the transaction's deadline
        Duration patience = config.connectTimeout().plus(config.authTimeout()).plus(config.commandTimeout());
        QueueRunner.Summary s;
        QueueRunner.Backlog left;
        try (FileChannel ch = QueueLocks.open(q.directory(), QueueLocks.RUNNER);
             FileLock lock = QueueLocks.await(ch, patience)) {
            if (lock == null) {
                Refusal r = Refusal.temporary("-q: another queue run held " + lockPath + " for more than "
                        + Durations.format(patience) + "; the mail stays queued for it");
                ClientLog.get("runner").warn("{}", r.reason());
                throw r;
            }
            try (SshSender sender = new SshSender(config);
                 QueueRunner runner = new QueueRunner(config, q, sender, Identity.domain(config.domain()))) {
                runner.housekeeping();
                s = runner.flush(selector);
                left = runner.backlog();
            }
        } catch (IOException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", "cannot lock " + lockPath + ": " + e.getMessage());
        }
        if (verbose || Terminal.stderr()) {
            err.println("sshsendmail: " + s.line(left.nextDue() == null ? null
                    : Duration.between(Instant.now(), left.nextDue())));
        }
        return s.exit().code();
    }

    /**
     * {@code sendmail -v}: the message just queued is delivered now, in the foreground, with the
     * relay dialogue on stderr (sendmail(8) -v). The exit code is still that of the submission (0:
     * accepted); what became of the message is on stderr, and if it was deferred the runner of a
     * plain sendmail call takes over. Mail that went through the maildrop is the owner's to deliver.
     */
    static int sendVerbose(Standalone.Queued q, ClientConfig config, Path explicitConfig, PrintStream err)
            throws Refusal {
        if (!(q.direct() || q.asOwner())) {
            err.println("sshsendmail: queued as " + q.id() + " in the maildrop of " + q.queueDir()
                    + "; its owner's runner or daemon delivers it");
            return 0;
        }
        err.println("sshsendmail: queued as " + q.id() + ", delivering it now");
        int code;
        try {
            code = flush(config, explicitConfig, QueueSelector.of(q.id()), true, err);
        } catch (Refusal r) {
            err.println("sshsendmail: " + r.line() + " (the message stays queued)");
            code = r.exit().code();
        }
        if (code != 0) {
            Standalone.startRunner(q, config, explicitConfig);
        }
        return 0;
    }

    /** The configured certificate fits the identity (see UserCertificate#check). */
    static void requireCertificate(LoadedConfig loaded) throws Refusal {
        Optional<Deliverable.Problem> p = UserCertificate.check(loaded.config(), loaded);
        if (p.isPresent()) {
            throw Refusal.config("configuration: " + p.get().line());
        }
    }

    /** {@code --daemon}; {@code source} reads the configuration again on SIGHUP. */
    static int daemon(ClientConfig config, DeliveryLoop.ConfigSource source, boolean verbose, PrintStream err)
            throws Refusal {
        return loop(config, source, DeliveryLoop.Lifetime.UNTIL_STOPPED, "--daemon", verbose, err);
    }

    /** {@code --runner}, started by sendmail calls: delivers, and stays while mail waits. */
    static int runner(ClientConfig config, DeliveryLoop.ConfigSource source, boolean verbose, PrintStream err)
            throws Refusal {
        return loop(config, source, DeliveryLoop.Lifetime.WHILE_MAIL_WAITS, "--runner", verbose, err);
    }

    private static int loop(ClientConfig config, DeliveryLoop.ConfigSource source, DeliveryLoop.Lifetime lifetime,
                            String what, boolean verbose, PrintStream err) throws Refusal {
        MailQueue q = openQueue(config);
        requireOwner(q, what);
        ClientLog.init(config.log(), verbose, err);
        try {
            return new DeliveryLoop(config, source, q, lifetime).run();
        } catch (IOException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", what + ": " + e.getMessage());
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
            LoadedConfig base;
            try {
                base = ClientConfigReader.read(file, explicit);
            } catch (ConfigException e) {
                return NullmailerRemote.fail(err, ExitCodes.NM_CONFIG, "4.3.5 configuration: " + e.getMessage());
            }
            ClientConfig config = NullmailerRemote.apply(o, base.config());
            Optional<Deliverable.Problem> p = Deliverable.check(config, NullmailerRemote.sources(o, base));
            if (p.isPresent()) {
                return NullmailerRemote.fail(err, ExitCodes.NM_CONFIG, "4.3.5 configuration: " + p.get().line());
            }
            try (InputStream fd3 = NullmailerRemote.openFd3()) {
                return NullmailerRemote.deliver(config, fd3, NullmailerRemote.queueFile(), err);
            }
        } catch (NullmailerRemote.Problem p) {
            err.println("sshsendmail: Failed: " + p.getMessage());
            return p.code();
        } catch (IOException e) {
            err.println("sshsendmail: Failed: cannot read options or message: " + e.getMessage());
            return ExitCodes.NM_MSG_READ;
        }
    }

    /** The queue as a runner opens it: the maildrop pickup refuses what the relay would. */
    private static MailQueue openQueue(ClientConfig config) throws Refusal {
        try {
            return MailQueue.open(config.queue(), EnvelopeRules::problem, DkimSigner.admission(config.dkim()));
        } catch (QueueException e) {
            throw queueRefusal("cannot open the queue " + config.queue(), e);
        }
    }

    /** A runner or daemon works only as the queue's owner: anyone else would leave files the owner cannot use. */
    private static void requireOwner(MailQueue q, String what) throws Refusal {
        if (!q.isOwner()) {
            throw new Refusal(SysExit.NOPERM, "4.3.0", what + ": only the owner of the queue " + q.directory() + " ("
                    + q.ownerName() + ") delivers from it; your mail is taken in from the maildrop by its daemon or runner");
        }
    }

    /** Root's -q and queue operations: the owner's sshsendmail does the work (setpriv), its exit code is ours. */
    private static int asOwner(MailQueue q, Path explicitConfig, String what, List<String> args) throws Refusal {
        try {
            List<String> cmd = RunnerCommand.of(q.directory(), explicitConfig, args.toArray(String[]::new));
            Process p = new ProcessBuilder(cmd).directory(new File("/")).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            throw new Refusal(SysExit.TEMPFAIL, "4.3.0", what + ": cannot start sshsendmail as the owner of the queue "
                    + q.directory() + " (" + q.ownerName() + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Refusal.temporary(what + ": interrupted while the owner's sshsendmail worked");
        }
    }

    /**
     * {@code --requeue}, {@code --delete}, {@code --bounce} with queue ids or ALL, as the queue's
     * owner. The maildrop is taken in first, so that ALL means all. A requeued or bounced message
     * is delivered as a sendmail call's would be: by the daemon, or by a runner started here.
     */
    static int admin(CommandLine cl, QueueAdmin.Operation op, ClientConfig config, Path explicitConfig,
                     PrintStream out, PrintStream err) throws Refusal {
        String flag = op.flag();
        QueueAdmin.Selection which = QueueAdmin.parse(cl.recipients());
        MailQueue q = openQueue(config);
        if (!q.isOwner() && MailQueue.effectiveUid() == 0) {
            List<String> args = new ArrayList<>(cl.verbose() ? List.of(flag, "-v") : List.of(flag));
            args.addAll(cl.recipients());
            return asOwner(q, explicitConfig, flag, args);
        }
        requireOwner(q, flag);
        ClientLog.init(config.log(), cl.verbose(), err);
        QueueAdmin.Report r;
        try {
            q.pickup();
            r = new QueueAdmin(config, q, Identity.domain(config.domain())).run(op, which);
        } catch (QueueException e) {
            throw queueRefusal(flag, e);
        }
        for (Refusal p : r.problems()) {
            err.println("sshsendmail: " + p.line());
        }
        out.println(op.done().substring(0, 1).toUpperCase(Locale.ROOT) + op.done().substring(1) + ": " + r.done()
                + " message(s)");
        out.flush();
        if (r.done() > 0 && op != QueueAdmin.Operation.DELETE) {
            // "direct": we are the owner; the id is not needed to start a runner
            Standalone.startRunner(new Standalone.Queued(null, true, q.directory(), false), config, explicitConfig);
        }
        return r.exit();
    }

    private static Refusal queueRefusal(String what, QueueException e) {
        SysExit code = SysExit.of(e.exitCode());
        return new Refusal(code == null ? SysExit.IOERR : code, e.enhancedStatus(), what + ": " + e.getMessage());
    }
}
