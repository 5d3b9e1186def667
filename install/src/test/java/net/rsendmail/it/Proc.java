package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs a program with given stdin, capturing stdout, stderr and the exit code, with a timeout; and
 * looks processes up in a way that tolerates their ending meanwhile.
 */
public final class Proc {

    /** What a finished program left behind. */
    public record Result(List<String> command, int exit, byte[] stdout, byte[] stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        /** stderr split into lines, without a trailing empty line. */
        List<String> errLines() {
            String e = err();
            if (e.isEmpty()) {
                return List.of();
            }
            if (e.endsWith("\n")) {
                e = e.substring(0, e.length() - 1);
            }
            return List.of(e.split("\n", -1));
        }

        @Override
        public String toString() {
            return "command " + command + " exit " + exit + "\n--- stdout:\n" + out() + "\n--- stderr:\n" + err();
        }
    }

    private Proc() {
    }

    public static Result run(List<String> command, byte[] stdin, Duration timeout, Map<String, String> env, Path scratch) {
        try {
            Path dir = Files.createTempDirectory(scratch, "proc");
            Path in = dir.resolve("stdin");
            Path out = dir.resolve("stdout");
            Path err = dir.resolve("stderr");
            Files.write(in, stdin == null ? new byte[0] : stdin);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(in.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (env != null) {
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done = false;
            }
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out after " + timeout + ": " + command
                        + "\n--- stdout:\n" + Files.readString(out) + "\n--- stderr:\n" + Files.readString(err));
            }
            Result r = new Result(List.copyOf(command), p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
            Files.delete(in);
            Files.delete(out);
            Files.delete(err);
            Files.delete(dir);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a helper command that must succeed. */
    public static Result check(Path scratch, String... command) {
        Result r = run(List.of(command), null, Duration.ofSeconds(60), null, scratch);
        if (r.exit() != 0) {
            throw new IllegalStateException("failed: " + r);
        }
        return r;
    }

    /** The command line of a process, "" once it has ended (or cannot be read). */
    public static String commandLine(ProcessHandle h) {
        return h.info().commandLine().orElse("");
    }

    /** The environment of a process (NUL-separated, as in /proc), "" once it has ended. */
    public static String environ(ProcessHandle h) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + h.pid() + "/environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return ""; // ended meanwhile
        }
    }

    /** Live processes (other than this JVM) that match, at this moment. */
    public static List<ProcessHandle> find(Predicate<ProcessHandle> match) {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(h -> h.pid() != self && match.test(h) && h.isAlive()).toList();
    }

    /**
     * Waits until no process matches, e.g. a detached runner still writing into a test's
     * directory; after the timeout kills what is left and fails, naming it.
     */
    public static void awaitGone(Predicate<ProcessHandle> match, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> left = find(match);
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) {
                StringBuilder b = new StringBuilder();
                for (ProcessHandle h : left) {
                    b.append("\n  pid ").append(h.pid()).append(": ").append(commandLine(h));
                    h.destroyForcibly();
                }
                throw new AssertionError(what + " still running after " + timeout + " (killed now):" + b);
            }
            try {
                left.get(0).onExit().get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            left = find(match);
        }
    }
}
