package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * A recording stub sendmail: a generated sh script that saves its argv (NUL-separated), stdin and
 * exported environment into a new directory per call, waits the configured delay, then exits with
 * the configured code. A call is done once its stdin is read and the delay is over.
 */
public final class RecordingSendmail {

    /** One call of the stub; {@code done} when it got to its exit. */
    public record Call(List<String> argv, byte[] stdin, String env, boolean done) {
        public String text() {
            return new String(stdin, StandardCharsets.UTF_8);
        }
    }

    private final Path dir;
    private final Path script;

    public RecordingSendmail(Path dir) {
        this.dir = dir;
        this.script = dir.resolve("sendmail");
        try {
            Files.createDirectories(dir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exitCode(0);
        delay(0);
        // export -p first (a builtin): the relay runs its sendmail with a clean environment
        Files2.writeExecutable(script, "#!/bin/sh\n"
                + "# recording stub sendmail: saves argv, stdin and environment, exits with the code in exit-code\n"
                + "d=" + Files2.shQuote(dir.toString()) + "\n"
                + "umask 022\n"
                + "env_now=$(export -p)\n"
                + "PATH=/usr/bin:/bin\n"
                + "call=$(mktemp -d \"$d/calls/call.$(date +%s%N).XXXXXX\") || exit 71\n"
                + "printf '%s\\n' \"$env_now\" >\"$call/env\"\n"
                + ": >\"$call/argv\"\n"
                + "for a in \"$@\"; do printf '%s\\0' \"$a\" >>\"$call/argv\"; done\n"
                + "cat >\"$call/stdin.part\"\n"
                + "sleep \"$(cat \"$d/delay\")\"\n"
                + "mv \"$call/stdin.part\" \"$call/stdin\"\n"
                + "exit \"$(cat \"$d/exit-code\")\"\n");
    }

    public Path path() {
        return script;
    }

    /** Where the calls are: one directory each, with stdin.part until the call is done. */
    public Path callsDir() {
        return dir.resolve("calls");
    }

    public void exitCode(int code) {
        Files2.write(dir.resolve("exit-code"), code + "\n");
    }

    /** Seconds each call waits after reading its stdin, before it exits. */
    public void delay(int seconds) {
        Files2.write(dir.resolve("delay"), seconds + "\n");
    }

    /** Forgets earlier calls. */
    public void clear() {
        Files2.deleteTree(dir.resolve("calls"));
        try {
            Files.createDirectories(dir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calls that are done, oldest first. */
    public List<Call> completed() {
        return calls().stream().filter(Call::done).toList();
    }

    /** All recorded calls, begun or done, oldest first. */
    public List<Call> calls() {
        try (Stream<Path> s = Files.list(dir.resolve("calls"))) {
            List<Call> calls = new ArrayList<>();
            for (Path c : s.sorted().toList()) {
                boolean done = Files.exists(c.resolve("stdin"));
                byte[] argv = readOrEmpty(c.resolve("argv"));
                List<String> words = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < argv.length; i++) {
                    if (argv[i] == 0) {
                        words.add(new String(Arrays.copyOfRange(argv, start, i), StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                byte[] stdin = readOrEmpty(c.resolve(done ? "stdin" : "stdin.part"));
                String env = new String(readOrEmpty(c.resolve("env")), StandardCharsets.UTF_8);
                calls.add(new Call(words, stdin, env, done));
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file of a call the stub may be writing right now: empty while it is not there. */
    private static byte[] readOrEmpty(Path f) throws IOException {
        try {
            return Files.readAllBytes(f);
        } catch (java.nio.file.NoSuchFileException e) {
            return new byte[0];
        }
    }
}
