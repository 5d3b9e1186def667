package net.rsendmail.relay;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A relay run in-process against a real recording sendmail script: it saves its argv, stdin and
 * environment and exits with the code in {@code exit-code}.
 */
public final class RelayHarness {
    final Path dir;
    final Path config;
    final Path log;
    final Path sendmail;

    public RelayHarness(Path dir, String policies) throws IOException {
        this.dir = dir;
        this.config = dir.resolve("rsendmail.conf");
        this.log = dir.resolve("relay.log");
        this.sendmail = dir.resolve("sendmail");
        Files.writeString(sendmail, "#!/bin/sh\n"
                + "d=" + dir + "\n"
                + "printf '%s\\n' \"$@\" > \"$d/argv\"\n"
                + "cat > \"$d/stdin\"\n"
                + "[ -f \"$d/delay\" ] && sleep \"$(cat \"$d/delay\")\"\n"
                + "env > \"$d/env\"\n"
                + "echo run >> \"$d/runs\"\n"
                + "[ -f \"$d/say\" ] && cat \"$d/say\" >&2\n"
                + "exit $(cat \"$d/exit-code\" 2>/dev/null || echo 0)\n");
        Files.setPosixFilePermissions(sendmail, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(config, "sendmail " + sendmail + "\n"
                + "log " + log + "\n"
                + "state_dir " + dir.resolve("state") + "\n"
                + "spool_dir " + dir + "\n"
                + policies);
    }

    public Path configPath() {
        return config;
    }

    public record Result(int exit, String out, String err) {
    }

    public Result run(String command, String message, String... trusted) {
        return run(command, message.getBytes(StandardCharsets.UTF_8), trusted);
    }

    public Result run(String command, byte[] message, String... trusted) {
        String[] argv = new String[trusted.length + 2];
        argv[0] = "--config";
        argv[1] = config.toString();
        System.arraycopy(trusted, 0, argv, 2, trusted.length);
        return runArgv(argv, command, message);
    }

    public Result runArgv(String[] argv, String command, byte[] message) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = new Relay(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(argv, command, new ByteArrayInputStream(message));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    public void mtaExits(int code) throws IOException {
        Files.writeString(dir.resolve("exit-code"), Integer.toString(code));
    }

    /** The MTA takes this long (sleep(1) syntax) before it exits. */
    public void mtaTakes(String seconds) throws IOException {
        Files.writeString(dir.resolve("delay"), seconds);
    }

    /** The relay as its own JVM, as sshd runs it: {@code SSH_ORIGINAL_COMMAND} set, stdin and stdout piped. */
    public Process start(String command, List<String> jvmOptions) throws IOException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SSH_ORIGINAL_COMMAND", command);
        pb.redirectError(dir.resolve("stderr").toFile());
        return pb.start();
    }

    public String stderrOf() throws IOException {
        Path p = dir.resolve("stderr");
        return Files.exists(p) ? Files.readString(p) : "";
    }

    public void mtaSays(String text) throws IOException {
        Files.writeString(dir.resolve("say"), text);
    }

    public boolean mtaRan() {
        return Files.exists(dir.resolve("runs"));
    }

    public int mtaRuns() throws IOException {
        return mtaRan() ? Files.readAllLines(dir.resolve("runs")).size() : 0;
    }

    public List<String> mtaArgv() throws IOException {
        return Files.readAllLines(dir.resolve("argv"));
    }

    public byte[] mtaStdin() throws IOException {
        return Files.readAllBytes(dir.resolve("stdin"));
    }

    public List<String> mtaEnv() throws IOException {
        return Files.readAllLines(dir.resolve("env"));
    }

    public List<String> logLines() throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }
}
