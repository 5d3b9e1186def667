package net.rsendmail.log;

import net.rsendmail.mail.Printable;

/**
 * The text of a log line in each target's format. A message is one line whatever it holds:
 * controls (CR, LF, ESC…) are escaped by {@link Printable}, so a logged client word cannot start
 * a forged line, and it is cut well below journald's LineMax (48 KiB, journald.conf(5)).
 */
public final class LogLine {
    /** Characters of a message, escapes included: at most 3 bytes each in UTF-8, under 48 KiB. */
    static final int MAX_MESSAGE = 16_000;

    private LogLine() {
    }

    /** {@code message} as one printable line. */
    public static String message(String message) {
        return Printable.of(message, MAX_MESSAGE);
    }

    /**
     * The journal's stream protocol (systemd-journald.service(8), "Stream logging"): with
     * level_prefix set in the stream header, {@code <N>} before a line sets its PRIORITY; the
     * header's facility is kept.
     */
    public static String journal(Severity s, String message) {
        return "<" + s.code() + ">" + message(message) + "\n";
    }

    /** The 7-line header of a journal stream: identifier, unit, priority, level_prefix, syslog, kmsg, console. */
    public static String journalHeader(String identifier) {
        return identifier + "\n\n" + (Severity.FACILITY_MAIL * 8 + Severity.INFO.code()) + "\n1\n0\n0\n0\n";
    }

    /** RFC 3164 §4.1: {@code <PRI>TAG[PID]: MSG}, facility mail; the receiving daemon adds time and host. */
    public static String syslog(String identifier, long pid, Severity s, String message) {
        return "<" + (Severity.FACILITY_MAIL * 8 + s.code()) + ">" + identifier + "[" + pid + "]: " + message(message);
    }

    /** A line of a log file: {@code 2026-11-22T10:00:00.123Z sshsendmail[42]: WARN …}. */
    public static String file(long millis, String identifier, long pid, Severity s, String message) {
        return UtcTime.format(millis) + " " + stderr(identifier, pid, s, message);
    }

    /** A line on stderr, which the journal or the terminal time-stamps: {@code sshsendmail[42]: WARN …}. */
    public static String stderr(String identifier, long pid, Severity s, String message) {
        return identifier + "[" + pid + "]: " + s.word() + " " + message(message) + "\n";
    }
}
