package net.rsendmail.relay.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Writes each event as one line to a file (O_APPEND, one write per line, so concurrent relay
 * processes never interleave), to stderr, or to syslog over UDP (RFC 3164, facility mail).
 * Smaller than Logback's own appenders, which matters for a process that starts per message.
 */
final class LineAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    private static final int FACILITY_MAIL = 2;
    private static final int SYSLOG_PORT = 514;

    private final String target;
    private final long pid = ProcessHandle.current().pid();

    LineAppender(String target) {
        this.target = target;
    }

    @Override
    protected void append(ILoggingEvent event) {
        try {
            if (target.equals("syslog")) {
                syslog(event);
            } else {
                StringBuilder b = new StringBuilder(256);
                b.append(UtcTime.format(event.getTimeStamp()));
                b.append(" rsendmail[").append(pid).append("]: ").append(event.getLevel()).append(' ')
                        .append(event.getFormattedMessage()).append('\n');
                byte[] line = b.toString().getBytes(StandardCharsets.UTF_8);
                if (target.equals("stderr")) {
                    System.err.write(line, 0, line.length);
                    System.err.flush();
                } else {
                    try (FileOutputStream f = new FileOutputStream(target, true)) {
                        f.write(line);
                    }
                }
            }
        } catch (IOException e) {
            addError("cannot write log line to " + target, e);
        }
    }

    /** RFC 3164: {@code <PRI>TAG[PID]: MSG}; the local daemon adds time and host. */
    private void syslog(ILoggingEvent event) throws IOException {
        int severity = event.getLevel().isGreaterOrEqual(Level.WARN) ? 4 : 6;
        StringBuilder b = new StringBuilder(256);
        b.append('<').append(FACILITY_MAIL * 8 + severity).append(">rsendmail[").append(pid).append("]: ")
                .append(event.getFormattedMessage());
        byte[] msg = b.toString().getBytes(StandardCharsets.UTF_8);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(msg, msg.length, InetAddress.getLoopbackAddress(), SYSLOG_PORT));
        }
    }
}
