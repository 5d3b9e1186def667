package net.rsendmail.queue;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logging is rare here (quarantine, recovery), so SLF4J is only initialised on first use: fast JVM start. */
final class QueueLog {
    private QueueLog() {
    }

    static void warn(String format, Object... args) {
        Holder.LOG.warn(format, args);
    }

    static void info(String format, Object... args) {
        Holder.LOG.info(format, args);
    }

    private static final class Holder {
        static final Logger LOG = LoggerFactory.getLogger("net.rsendmail.queue");
    }
}
