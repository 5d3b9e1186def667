package net.rsendmail.log;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.rsendmail.io.PrivateFiles;

/** An open log target: takes one message at a time. */
public interface LogSink extends Closeable {

    void write(long millis, Severity severity, String message) throws IOException;

    @Override
    default void close() {
    }

    /** Opens {@code target}, so that a target that cannot be written fails here, at start, not at the first line. */
    static LogSink open(LogTarget target, String identifier, PrintStream stderr) throws IOException {
        long pid = ProcessHandle.current().pid();
        if (target instanceof LogTarget.Journal) {
            return JournalStream.connect(LogTarget.JOURNAL_SOCKET, identifier);
        } else if (target instanceof LogTarget.Syslog) {
            return SyslogUdp.open(identifier, pid);
        } else if (target instanceof LogTarget.File f) {
            append(f.path(), new byte[0]); // creates it (0600), or says why not
            return (millis, s, m) -> append(f.path(),
                    LogLine.file(millis, identifier, pid, s, m).getBytes(StandardCharsets.UTF_8));
        } else if (target instanceof LogTarget.Stderr) {
            return stderr(identifier, stderr);
        }
        return (millis, s, m) -> { };
    }

    /** Lines to {@code stream}, which cannot fail to open. */
    public static LogSink stderr(String identifier, PrintStream stream) {
        long pid = ProcessHandle.current().pid();
        return (millis, s, m) -> {
            byte[] b = LogLine.stderr(identifier, pid, s, m).getBytes(StandardCharsets.UTF_8);
            stream.write(b, 0, b.length);
            stream.flush();
        };
    }

    /** One write(2) with O_APPEND per line: concurrent processes of one log never interleave. */
    private static void append(Path file, byte[] line) throws IOException {
        try (FileChannel f = PrivateFiles.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) {
                f.write(b);
            }
        }
    }
}
