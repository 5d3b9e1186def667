package net.rsendmail.client.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging of the delivering modes, set up in code (no logback.xml: the relay shares the class
 * path): one line per event to stderr (the journal, under systemd), a file, syslog (UDP, facility
 * mail) or nowhere. Our lines at INFO, MINA SSHD's at WARN only. A log file is created 0600 (it
 * names every user's senders and recipients); one an admin made beforehand keeps its mode and
 * group. A warning or error identical to one written less than {@link #REPEAT_WINDOW} ago is
 * counted instead of written, so a stuck state cannot fill the disk.
 */
public final class ClientLog {
    private static volatile boolean ready;
    static final Duration REPEAT_WINDOW = Duration.ofMinutes(10);

    private ClientLog() {
    }

    /** Configures the default Logback context; {@code stderr} is where "stderr" lines go. */
    public static synchronized void init(String target, boolean verbose, PrintStream stderr) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ch.qos.logback.classic.Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        if (target.equals("none") && !verbose) {
            root.setLevel(Level.OFF);
            ready = true;
            return;
        }
        boolean verboseHere = verbose && target.equals("stderr");
        if (!target.equals("none")) {
            root.addAppender(appender(ctx, target, stderr, verboseHere ? Level.DEBUG : Level.INFO));
        }
        if (verbose && !verboseHere) {
            // -v: the transcript on the terminal; the log keeps its usual lines
            root.addAppender(appender(ctx, "stderr", stderr, Level.DEBUG));
        }
        root.setLevel(Level.WARN);
        ctx.getLogger("net.rsendmail").setLevel(verbose ? Level.DEBUG : Level.INFO);
        ctx.getLogger("org.apache.sshd").setLevel(verbose ? Level.WARN : Level.ERROR); // its INFO lines say nothing to a user
        ready = true;
    }

    private static Line appender(LoggerContext ctx, String target, PrintStream stderr, Level least) {
        Line appender = new Line(target, stderr, least);
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

    private static final class Line extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private static final int FACILITY_MAIL = 2;
        private final String target;
        private final PrintStream stderr;
        private final Level least;
        private final long pid = ProcessHandle.current().pid();
        private final RepeatFilter repeats = new RepeatFilter(REPEAT_WINDOW);

        Line(String target, PrintStream stderr, Level least) {
            this.target = target;
            this.stderr = stderr;
            this.least = least;
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
            msg = msg.replace('\n', ' ').replace('\r', ' ');
            if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                msg = repeats.pass(e.getLevel() + " " + msg, e.getTimeStamp(), msg);
                if (msg == null) {
                    return;
                }
            }
            try {
                if (target.equals("syslog")) {
                    int severity = e.getLevel().isGreaterOrEqual(Level.ERROR) ? 3
                            : e.getLevel().isGreaterOrEqual(Level.WARN) ? 4 : 6;
                    byte[] b = ("<" + (FACILITY_MAIL * 8 + severity) + ">sshsendmail[" + pid + "]: " + msg)
                            .getBytes(StandardCharsets.UTF_8);
                    try (DatagramSocket s = new DatagramSocket()) {
                        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), 514));
                    }
                    return;
                }
                String line = (target.equals("stderr") ? "" : Instant.ofEpochMilli(e.getTimeStamp()) + " ")
                        + "sshsendmail[" + pid + "]: " + e.getLevel() + " " + msg + "\n";
                byte[] b = line.getBytes(StandardCharsets.UTF_8);
                if (target.equals("stderr")) {
                    stderr.write(b, 0, b.length);
                    stderr.flush();
                } else {
                    try (FileChannel f = PrivateFiles.open(Path.of(target), StandardOpenOption.CREATE,
                            StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        ByteBuffer bb = ByteBuffer.wrap(b);
                        while (bb.hasRemaining()) {
                            f.write(bb);
                        }
                    }
                }
            } catch (IOException x) {
                addError("cannot write log line to " + target, x);
            }
        }
    }
}
