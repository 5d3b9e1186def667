package net.rsendmail.relay.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import net.rsendmail.config.ConfigException;
import net.rsendmail.log.LogAppender;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogSink;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.Printable;
import org.slf4j.Logger;

/**
 * One line per request, where the admin reads mail logs. The Logback context is built here, in
 * code: no LoggerFactory discovery, no logback.xml scan, no pattern to compile, which together
 * cost a per-message JVM more time than the whole request. stdout is never a log (it is the LMTP
 * channel); a line the target refuses goes to stderr.
 */
public final class RequestLog {
    public static final String IDENTIFIER = "rsendmail";
    private static Logger logger;
    private static LogTarget loggerTarget;

    private RequestLog() {
    }

    /** Opens {@code setting}'s target for the lines to come: one that cannot be written stops the relay here. */
    public static synchronized void open(LogSetting setting) throws ConfigException {
        if (setting.target().equals(loggerTarget)) {
            return;
        }
        LogSink sink = setting.open(IDENTIFIER, System.err);
        if (logger != null) {
            ((ch.qos.logback.classic.Logger) logger).getLoggerContext().stop();
        }
        logger = logger(setting.target(), sink);
        loggerTarget = setting.target();
    }

    /** Writes {@code line} to {@code setting}'s target, opened now unless {@link #open} did. */
    public static void write(LogSetting setting, boolean failure, String line) {
        if (setting.target() instanceof LogTarget.None) {
            return;
        }
        Logger log;
        try {
            log = cached(setting);
        } catch (ConfigException e) {
            // the config was not read (this is the default's line) or changed: never silent
            System.err.println(IDENTIFIER + ": " + e.getMessage() + ": " + Printable.of(line, 2000));
            System.err.flush();
            return;
        }
        if (failure) {
            log.warn(line);
        } else {
            log.info(line);
        }
    }

    private static synchronized Logger cached(LogSetting setting) throws ConfigException {
        open(setting);
        return logger;
    }

    private static Logger logger(LogTarget target, LogSink sink) {
        LoggerContext context = new LoggerContext();
        LogAppender appender = new LogAppender(IDENTIFIER, target, sink, Level.INFO, null,
                target instanceof LogTarget.Stderr ? null : System.err);
        appender.setContext(context);
        appender.start();
        ch.qos.logback.classic.Logger logger = context.getLogger("rsendmail");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }
}
