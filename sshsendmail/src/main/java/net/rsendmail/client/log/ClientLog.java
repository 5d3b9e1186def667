package net.rsendmail.client.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.PrintStream;
import java.time.Duration;
import net.rsendmail.config.ConfigException;
import net.rsendmail.log.LogAppender;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogSink;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of the delivering modes, set up in code (no logback.xml: the relay shares the class
 * path): one line per event to the journal, a file, syslog, stderr or nowhere (see
 * {@link LogSetting}). Our lines at INFO, MINA SSHD's at WARN only. A log file is created 0600
 * (it names every user's senders and recipients); one an admin made beforehand keeps its mode and
 * group. A warning or error identical to one written less than {@link #REPEAT_WINDOW} ago is
 * counted instead of written, so a stuck state cannot fill the disk.
 */
public final class ClientLog {
    public static final String IDENTIFIER = "sshsendmail";
    private static volatile boolean ready;
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);

    private ClientLog() {
    }

    /**
     * Configures the default Logback context; {@code stderr} is where "stderr" lines (and a line
     * the log refused) go. A log that cannot be written is refused (exit 78) with its config line.
     */
    public static synchronized void init(LogSetting log, boolean verbose, PrintStream stderr) throws Refusal {
        LogTarget target = log.target();
        LogSink sink;
        try {
            sink = log.open(IDENTIFIER, stderr);
        } catch (ConfigException e) {
            throw Refusal.config("configuration: " + e.getMessage());
        }
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        if (target instanceof LogTarget.None && !verbose) {
            root.setLevel(Level.OFF);
            ready = true;
            return;
        }
        boolean toStderr = target instanceof LogTarget.Stderr;
        if (!(target instanceof LogTarget.None)) {
            root.addAppender(appender(ctx, target, sink, verbose && toStderr ? Level.DEBUG : Level.INFO,
                    toStderr ? null : stderr));
        }
        if (verbose && !toStderr) {
            // -v: the transcript on the terminal; the log keeps its usual lines
            root.addAppender(appender(ctx, LogTarget.STDERR, LogSink.stderr(IDENTIFIER, stderr), Level.DEBUG, null));
        }
        root.setLevel(Level.WARN);
        ctx.getLogger("net.rsendmail").setLevel(verbose ? Level.DEBUG : Level.INFO);
        ctx.getLogger("org.apache.sshd").setLevel(verbose ? Level.WARN : Level.ERROR); // its INFO lines say nothing to a user
        ready = true;
    }

    private static LogAppender appender(LoggerContext ctx, LogTarget target, LogSink sink, Level least,
                                        PrintStream fallback) {
        LogAppender appender = new LogAppender(IDENTIFIER, target, sink, least, REPEAT_WINDOW, fallback);
        appender.setContext(ctx);
        appender.start();
        return appender;
    }

    public static Logger get(String name) {
        return LoggerFactory.getLogger("net.rsendmail.client." + name);
    }

    public static boolean isReady() {
        return ready;
    }
}
