package net.rsendmail.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import net.rsendmail.mail.OsReason;

/**
 * The one Logback appender of both programs: each event at or above a level, as one line, to an
 * open {@link LogSink}. Smaller than Logback's own appenders, which matters for a relay process
 * that starts per message. A line the target refuses goes to {@code fallback} with the reason
 * (unless that is a protocol channel, then Logback's status keeps it): no failure is silent.
 */
public final class LogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private final String identifier;
    private final LogTarget target;
    private final LogSink sink;
    private final Level least;
    private final RepeatFilter repeats;
    private final PrintStream fallback;

    /**
     * @param repeatWindow a warning or error identical to one written less than this ago is
     *                     counted instead of written (null: every line is written)
     * @param fallback     where a line goes that the target refused, or null
     */
    public LogAppender(String identifier, LogTarget target, LogSink sink, Level least, Duration repeatWindow,
                       PrintStream fallback) {
        this.identifier = identifier;
        this.target = target;
        this.sink = sink;
        this.least = least;
        this.repeats = repeatWindow == null ? null : new RepeatFilter(repeatWindow);
        this.fallback = fallback;
    }

    /** Logback's levels as syslog severities; TRACE is DEBUG. */
    public static Severity severity(Level level) {
        if (level.isGreaterOrEqual(Level.ERROR)) {
            return Severity.ERROR;
        } else if (level.isGreaterOrEqual(Level.WARN)) {
            return Severity.WARNING;
        } else if (level.isGreaterOrEqual(Level.INFO)) {
            return Severity.INFO;
        }
        return Severity.DEBUG;
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        if (!e.getLevel().isGreaterOrEqual(least)) {
            return;
        }
        String msg = e.getFormattedMessage();
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            msg = msg + " (" + t.getClassName() + ": " + t.getMessage() + ")";
        }
        Severity s = severity(e.getLevel());
        if (repeats != null && s.code() <= Severity.WARNING.code()) {
            msg = repeats.pass(s + " " + msg, e.getTimeStamp(), msg);
            if (msg == null) {
                return;
            }
        }
        try {
            sink.write(e.getTimeStamp(), s, msg);
        } catch (IOException x) {
            addError("cannot write a log line to " + target.word(), x);
            if (fallback != null) {
                fallback.println(identifier + ": cannot write to log " + target.word() + " (" + OsReason.of(x) + "): "
                        + s.word() + " " + LogLine.message(msg));
                fallback.flush();
            }
        }
    }

    @Override
    public void stop() {
        super.stop();
        sink.close();
    }
}
