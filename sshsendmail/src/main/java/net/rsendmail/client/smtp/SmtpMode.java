package net.rsendmail.client.smtp;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.queue.MailQueue;
import net.rsendmail.queue.QueueException;

/** Sets up {@code sshsendmail -bs}: the log, the idle time limit (which ends the process) and the session. */
public final class SmtpMode {
    private SmtpMode() {
    }

    public static int run(CommandLine cl, ClientConfig config, Path explicitConfig, InputStream stdin,
                          OutputStream stdout, PrintStream stderr) {
        // stdout is the SMTP channel: log lines go to the configured log if it is ours to write, else stderr
        ClientLog.init(ownsQueue(config) ? config.log() : "stderr", cl.verbose(), stderr);
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
