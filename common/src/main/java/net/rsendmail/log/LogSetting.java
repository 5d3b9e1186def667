package net.rsendmail.log;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import net.rsendmail.mail.OsReason;

/**
 * A log target and the config line that chose it ({@code file} null and {@code line} 0 for the
 * built-in default), so that a target that cannot be written is refused at start naming that line.
 */
public record LogSetting(LogTarget target, Path file, int line) {

    /** The built-in default: see {@link LogTarget#byDefault}. */
    public static LogSetting byDefault(LogTarget otherwise) {
        return new LogSetting(LogTarget.byDefault(otherwise), null, 0);
    }

    /** A setting made in code, e.g. "none" for a mode whose stderr is not ours. */
    public static LogSetting of(LogTarget target) {
        return new LogSetting(target, null, 0);
    }

    /** The {@code log WORD} line {@code e}. */
    public static LogSetting parse(ConfigFile.Entry e) throws ConfigException {
        LogTarget t = e.words().size() == 1 ? LogTarget.parse(e.value()) : null;
        if (t == null) {
            throw e.error("log: " + LogTarget.PARSE_HINT + ", got '" + e.value() + "'");
        }
        return new LogSetting(t, e.file(), e.line());
    }

    /** The same line with another target. */
    public LogSetting with(LogTarget other) {
        return new LogSetting(other, file, line);
    }

    /**
     * Opens the target for {@code identifier}'s lines; {@code stderr} is where "stderr" lines go.
     * A target that cannot be written is a config error naming the line (or "the default").
     */
    public LogSink open(String identifier, PrintStream stderr) throws ConfigException {
        try {
            return LogSink.open(target, identifier, stderr);
        } catch (IOException e) {
            String reason = "log " + target.word() + ": " + what() + ": " + OsReason.of(e);
            throw file == null ? new ConfigException(reason + " (the default; set 'log' to choose another)")
                    : new ConfigException(file, line, reason);
        }
    }

    private String what() {
        return target instanceof LogTarget.Journal ? "cannot connect to " + LogTarget.JOURNAL_SOCKET
                : "cannot write to it";
    }
}
