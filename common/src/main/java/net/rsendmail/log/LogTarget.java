package net.rsendmail.log;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a program's log lines go: the {@code log} word of both config files. */
public sealed interface LogTarget {
    /** systemd-journald's stream socket (the native and /dev/log sockets are datagram, which the JDK cannot send). */
    Path JOURNAL_SOCKET = Path.of("/run/systemd/journal/stdout");

    LogTarget JOURNAL = new Journal();
    LogTarget SYSLOG = new Syslog();
    LogTarget STDERR = new Stderr();
    LogTarget NONE = new None();

    String PARSE_HINT = "expected journal, syslog, stderr, none or an absolute file name";

    /** The journal, over {@link #JOURNAL_SOCKET}. */
    record Journal() implements LogTarget {
        @Override
        public String word() {
            return "journal";
        }
    }

    /** RFC 3164 datagrams to UDP 127.0.0.1:514 (rsyslog's imudp, syslog-ng's udp()). */
    record Syslog() implements LogTarget {
        @Override
        public String word() {
            return "syslog";
        }
    }

    record Stderr() implements LogTarget {
        @Override
        public String word() {
            return "stderr";
        }
    }

    record None() implements LogTarget {
        @Override
        public String word() {
            return "none";
        }
    }

    /** A file, appended to one line per write; created 0600. */
    record File(Path path) implements LogTarget {
        @Override
        public String word() {
            return path.toString();
        }
    }

    /** As the config file spells it. */
    String word();

    /** The target {@code word} names, or null when it names none. */
    static LogTarget parse(String word) {
        switch (word) {
            case "journal": return JOURNAL;
            case "syslog": return SYSLOG;
            case "stderr": return STDERR;
            case "none": return NONE;
            default: return word.startsWith("/") ? new File(Path.of(word)) : null;
        }
    }

    /**
     * Where lines go when no {@code log} line says: the journal on a host that runs it (a stock
     * Debian 12 has no syslog daemon), else {@code otherwise}.
     */
    static LogTarget byDefault(LogTarget otherwise) {
        return Files.exists(JOURNAL_SOCKET) ? JOURNAL : otherwise;
    }
}
