package net.rsendmail.client.smtp;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.Refusal;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueException;
import net.rsendmail.smtp.ReplyWriter;

/** Sets up {@code sshsendmail -bs}: the log, the idle time limit (which ends the process) and the session. */
public final class SmtpMode {
    private SmtpMode() {
    }

    public static int run(CommandLine cl, ClientConfig config, Path explicitConfig, InputStream stdin,
                          OutputStream stdout, PrintStream stderr) {
        // stdout is the SMTP channel, never a log: a log file is the queue owner's, anyone else's lines go to stderr
        LogSetting log = config.log().target() instanceof LogTarget.File && !ownsQueue(config)
                ? config.log().with(LogTarget.STDERR) : config.log();
        try {
            ClientLog.init(log, cl.verbose(), stderr);
        } catch (Refusal r) {
            // RFC 5321 §3.8: a server that cannot serve may answer the connection with 421 and close
            new ReplyWriter(stdout).farewell("421 4.3.5 " + r.reason());
            stderr.println("sshsendmail: " + r.line());
            return r.exit().code();
        }
        try (IdleWatch watch = new IdleWatch(SmtpSession.IDLE_TIMEOUT_MS)) {
            return new SmtpSession(stdin, stdout, cl, config, explicitConfig, watch, ClientLog.get("smtp")).run().exit();
        }
    }

    /** Whether the caller is the queue's owner, whose log file it is (a runner's rule too: Modes.flush). */
    private static boolean ownsQueue(ClientConfig config) {
        try {
            return MailQueue.open(config.queue()).isOwner();
        } catch (QueueException e) {
            return false; // the first DATA says what is wrong with the queue
        }
    }
}
