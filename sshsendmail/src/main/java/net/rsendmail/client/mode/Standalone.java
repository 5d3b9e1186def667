package net.rsendmail.client.mode;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.delivery.QueueLocks;
import net.rsendmail.client.dkim.DkimSigner;
import net.rsendmail.client.message.BadMessageException;
import net.rsendmail.client.message.EnvelopeRules;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.message.MessagePreparer;
import net.rsendmail.client.message.PreparedMessage;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.queue.Envelope;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.Maildrop;
import net.rsendmail.queue.QueueException;
import net.rsendmail.queue.QueueId;

/**
 * Standalone sendmail: completes the message, queues it durably (directly, or through the
 * maildrop for users who cannot write the queue) and returns. Delivery happens elsewhere: in the
 * daemon if one runs, else in a detached background {@code sshsendmail --runner} started here, so
 * the caller never waits for the network. Nothing of SSH or JavaMail is loaded on this path.
 */
public final class Standalone {
    /**
     * What was queued: {@code direct} by the queue's owner (into the queue, or into the maildrop
     * when its signing is left to the owner's runner, see DkimSigner), else through the maildrop;
     * {@code asOwner} when the caller is root and not the owner, so a runner is started as the owner.
     */
    public record Queued(QueueId id, boolean direct, Path queueDir, boolean asOwner) {
    }

    private Standalone() {
    }

    public static Queued enqueue(CommandLine cl, ClientConfig config, InputStream stdin) throws Refusal {
        PreparedMessage pm;
        try {
            pm = new MessagePreparer(Identity.of(config.domain())).prepare(cl, stdin);
        } catch (BadMessageException e) {
            throw e.refusal();
        } catch (IOException e) {
            throw new Refusal(SysExit.IOERR, "4.3.0", "cannot read the message: " + e.getMessage());
        }
        Envelope env;
        try {
            env = new Envelope(pm.sender(), pm.recipients());
        } catch (IllegalArgumentException e) {
            throw Refusal.usage("unusable address: " + e.getMessage());
        }
        String refused = EnvelopeRules.problem(env);
        if (refused != null) {
            throw Refusal.usage("unusable address: " + refused);
        }
        try {
            MailQueue q = MailQueue.open(config.queue(), MailQueue.EnvelopeCheck.ANY, DkimSigner.atSubmission(config.dkim()));
            if (q.isOwner()) {
                return new Queued(q.enqueue(env, pm.content()), true, q.directory(), false);
            }
            // everyone else, root included: the owner's runner takes it in
            if (!Files.isDirectory(q.maildrop(), LinkOption.NOFOLLOW_LINKS)) {
                throw new Refusal(SysExit.CANTCREAT, "4.3.0", "cannot queue the message: " + q.maildrop()
                        + " does not exist yet; the queue's owner (" + q.ownerName() + ") makes it when its daemon or"
                        + " sshsendmail -q first runs");
            }
            return new Queued(Maildrop.submit(q.maildrop(), env, pm.content()), false, q.directory(),
                    MailQueue.effectiveUid() == 0);
        } catch (QueueException e) {
            BadMessageException bad = BadMessageException.find(e);
            if (bad != null) {
                throw bad.refusal();
            }
            SysExit code = SysExit.of(e.exitCode());
            if (code == null || code == SysExit.TEMPFAIL) {
                code = SysExit.IOERR;
            }
            throw new Refusal(code, e.enhancedStatus(), "cannot queue the message in " + config.queue() + ": "
                    + e.getMessage());
        }
    }

    /**
     * Starts {@code sshsendmail --runner} detached (own session, no terminal, output discarded
     * unless the log goes to a file), unless a daemon or such a runner already serves this queue:
     * it delivers, and stays while mail waits (see DeliveryLoop). Failures are not the caller's
     * problem: the mail is queued and the next run takes it.
     */
    public static void startRunner(Queued q, ClientConfig config, Path explicitConfig) {
        if (!(q.direct() || q.asOwner()) || !config.background() || QueueLocks.daemonRunning(q.queueDir())) {
            return;
        }
        try {
            // The runner must outlive us in its own session, and our direct child must exit at
            // once: while Java's process reaper thread waits in waitpid(2), JVM exit waits for it
            // (up to 300 ms). "setsid -f" (or sh with "&") forks the runner off and returns.
            List<String> cmd = new ArrayList<>();
            if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                cmd.add("/usr/bin/setsid");
                cmd.add("-f");
            } else {
                cmd.add("/bin/sh");
                cmd.add("-c");
                cmd.add("\"$@\" </dev/null >/dev/null 2>&1 &");
                cmd.add("sh");
            }
            cmd.addAll(RunnerCommand.of(q.asOwner() ? q.queueDir() : null, explicitConfig, "--runner"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File("/")) // any cwd may be out of the owner's reach
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.start().waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            // queued; the next runner delivers it
        }
    }
}
