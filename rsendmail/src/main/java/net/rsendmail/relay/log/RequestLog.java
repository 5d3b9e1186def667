package net.rsendmail.relay.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;

/**
 * One line per request, where the admin reads mail logs. The Logback context is built here, in
 * code, when the line is written: no LoggerFactory discovery, no logback.xml scan, no pattern to
 * compile, which together cost a per-message JVM more time than the whole request.
 */
public final class RequestLog {
    private static Logger logger;
    private static String loggerTarget;

    private RequestLog() {
    }

    /** Writes {@code line} to {@code target} ("syslog", "stderr", "none" or an absolute file path). */
    public static void write(String target, boolean failure, String line) {
        if (target.equals("none")) {
            return;
        }
        Logger log = cached(target);
        if (failure) {
            log.warn(line);
        } else {
            log.info(line);
        }
    }

    private static synchronized Logger cached(String target) {
        if (logger == null || !target.equals(loggerTarget)) {
            logger = logger(target);
            loggerTarget = target;
        }
        return logger;
    }

    static Logger logger(String target) {
        LoggerContext context = new LoggerContext();
        LineAppender appender = new LineAppender(target);
        appender.setContext(context);
        appender.start();
        ch.qos.logback.classic.Logger logger = context.getLogger("rsendmail");
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return logger;
    }
}
