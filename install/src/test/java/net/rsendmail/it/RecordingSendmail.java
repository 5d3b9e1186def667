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
 * exported environment into a new directory per call, then exits with a configurable code.
 */
final class RecordingSendmail {

    /** One call of the stub. */
    record Call(List<String> argv, byte[] stdin, String env) {
        String stdinText() {
            return new String(stdin, StandardCharsets.UTF_8);
        }
    }

    private final Path dir;
    private final Path script;

    RecordingSendmail(Path dir) {
        this.dir = dir;
        this.script = dir.resolve("sendmail");
        try {
            Files.createDirectories(dir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        exitCode(0);
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
                + "cat >\"$call/stdin\"\n"
                + "exit \"$(cat \"$d/exit-code\")\"\n");
    }

    Path path() {
        return script;
    }

    void exitCode(int code) {
        Files2.write(dir.resolve("exit-code"), code + "\n");
    }

    /** Forgets earlier calls. */
    void clear() {
        Files2.deleteTree(dir.resolve("calls"));
        try {
            Files.createDirectories(dir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All recorded calls, oldest first. */
    List<Call> calls() {
        try (Stream<Path> s = Files.list(dir.resolve("calls"))) {
            List<Call> calls = new ArrayList<>();
            for (Path c : s.sorted().toList()) {
                byte[] argv = Files.readAllBytes(c.resolve("argv"));
                List<String> words = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < argv.length; i++) {
                    if (argv[i] == 0) {
                        words.add(new String(Arrays.copyOfRange(argv, start, i), StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                byte[] stdin = Files.exists(c.resolve("stdin")) ? Files.readAllBytes(c.resolve("stdin")) : new byte[0];
                String env = Files.exists(c.resolve("env")) ? Files.readString(c.resolve("env")) : "";
                calls.add(new Call(words, stdin, env));
            }
            return calls;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
