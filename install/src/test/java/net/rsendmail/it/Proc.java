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

/** Runs a program with given stdin, capturing stdout, stderr and the exit code, with a timeout. */
final class Proc {

    /** What a finished program left behind. */
    record Result(List<String> command, int exit, byte[] stdout, byte[] stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String err() {
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

    static Result run(List<String> command, byte[] stdin, Duration timeout, Map<String, String> env, Path scratch) {
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
    static Result check(Path scratch, String... command) {
        Result r = run(List.of(command), null, Duration.ofSeconds(60), null, scratch);
        if (r.exit() != 0) {
            throw new IllegalStateException("failed: " + r);
        }
        return r;
    }
}
