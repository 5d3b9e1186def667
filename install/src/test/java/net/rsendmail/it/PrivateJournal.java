package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real systemd-journald of the test's own, for a host without systemd: started in a private
 * mount namespace (unshare(1)) where a tmpfs is over /run/systemd (its sockets) and the test's
 * directory over /var/log (its journal files, read from outside with journalctl --directory).
 * Programs see it only when started through {@link #enter}; the rest of the host is untouched.
 */
public final class PrivateJournal implements AutoCloseable {
    private static final Path JOURNALD = Path.of("/usr/lib/systemd/systemd-journald");

    private final Path dir;
    private final Process journald;

    private PrivateJournal(Path dir, Process journald) {
        this.dir = dir;
        this.journald = journald;
    }

    public static boolean available() {
        return Files.isExecutable(JOURNALD) && Files.isExecutable(Path.of("/usr/bin/unshare"))
                && Files.isExecutable(Path.of("/usr/bin/nsenter")) && Files2.isRoot();
    }

    /** Starts journald and waits (bounded) for its stream socket. */
    public static PrivateJournal start(Path dir) {
        Path varLog = dir.resolve("var-log");
        try {
            Files.createDirectories(varLog.resolve("journal"));
            // "flushed": journald writes to /var/log/journal at once, as after systemd-journal-flush.service
            String script = "set -e\nmount -t tmpfs tmpfs /run/systemd\nmkdir /run/systemd/journal\n"
                    + "touch /run/systemd/journal/flushed\nmount --bind " + varLog + " /var/log\nexec " + JOURNALD + "\n";
            Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c", script)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("journald.out").toFile()).start();
            PrivateJournal j = new PrivateJournal(dir, p);
            // /proc/PID/root resolves paths in that process's mount namespace
            Path socket = Path.of("/proc/" + p.pid() + "/root/run/systemd/journal/stdout");
            try {
                Wait.until(() -> Files.exists(socket) || !p.isAlive(), Duration.ofSeconds(20),
                        () -> "journald did not start: " + Files2.read(dir.resolve("journald.out")));
                if (!p.isAlive()) {
                    throw new AssertionError("journald exited " + p.exitValue() + ": " + Files2.read(dir.resolve("journald.out")));
                }
            } catch (AssertionError e) {
                j.close();
                throw e;
            }
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code command} run in journald's mount namespace, where /run/systemd/journal is this journal's. */
    public List<String> enter(List<String> command) {
        List<String> c = new ArrayList<>(List.of("nsenter", "--mount=/proc/" + journald.pid() + "/ns/mnt", "--"));
        c.addAll(command);
        return c;
    }

    /** As {@link #enter}, as one shell line (for a forced command). */
    public String enterLine(String command) {
        return String.join(" ", enter(List.of())) + " " + command;
    }

    /** The entries of {@code identifier} so far, oldest first: each a field → value map (journalctl -o export). */
    public List<Map<String, String>> entries(String identifier) {
        Proc.Result r = Proc.run(List.of("journalctl", "--directory=" + dir.resolve("var-log/journal"), "--no-pager",
                "-o", "export", "SYSLOG_IDENTIFIER=" + identifier), null, Duration.ofSeconds(30), null, dir);
        if (r.exit() != 0 && !r.err().contains("No entries")) {
            throw new AssertionError("journalctl failed: " + r);
        }
        List<Map<String, String>> entries = new ArrayList<>();
        Map<String, String> e = new LinkedHashMap<>();
        for (String line : r.out().split("\n", -1)) {
            if (line.isEmpty()) {
                if (!e.isEmpty()) {
                    entries.add(e);
                    e = new LinkedHashMap<>();
                }
            } else if (line.contains("=")) {
                // a field with control characters would be binary in this format: ours never has any
                e.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
            }
        }
        return entries;
    }

    /** The first entry of {@code identifier} whose MESSAGE contains {@code text}, waited for (bounded). */
    public Map<String, String> await(String identifier, String text, Duration timeout) {
        Wait.until(() -> find(identifier, text) != null, timeout,
                () -> "no " + identifier + " entry with '" + text + "' in the journal:\n" + messages(identifier));
        return find(identifier, text);
    }

    private Map<String, String> find(String identifier, String text) {
        return entries(identifier).stream().filter(e -> e.getOrDefault("MESSAGE", "").contains(text)).findFirst()
                .orElse(null);
    }

    public String messages(String identifier) {
        StringBuilder b = new StringBuilder();
        for (Map<String, String> e : entries(identifier)) {
            b.append(e.get("PRIORITY")).append(' ').append(e.get("MESSAGE")).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() {
        journald.destroy();
        try {
            if (!journald.waitFor(20, TimeUnit.SECONDS)) {
                journald.destroyForcibly();
                journald.waitFor(20, TimeUnit.SECONDS);
                throw new AssertionError("journald did not stop on SIGTERM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
