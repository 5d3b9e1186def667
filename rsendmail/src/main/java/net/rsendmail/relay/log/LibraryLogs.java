package net.rsendmail.relay.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libraries' own SLF4J lines (dnsjava's debug output, first of all) switched off. Logback
 * without a config file writes them to stdout, which is the relay's LMTP channel, and stderr is
 * its client's one failure line; every outcome is reported by the relay itself. Called before a
 * library that logs is first used, not at start: plain mode does not pay for Logback's set-up.
 */
public final class LibraryLogs {
    private LibraryLogs() {
    }

    public static void silence() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.setLevel(Level.OFF);
    }
}
