package net.rsendmail.it.client;

import net.rsendmail.it.Files2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * What the client tests run against, all real and private to one temporary directory: an OpenSSH
 * sshd on 127.0.0.1 whose authorized_keys forces this project's rsendmail (install/target/dist),
 * a recording sendmail behind the relay (argv, stdin; exit code and delay set by the test), a
 * client key, a known_hosts file and an sshsendmail config.
 */
final class World implements AutoCloseable {
    static final String SSHD = "/usr/sbin/sshd";
    static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";

    final Path dir;
    final Path dist;
    final Path relayConf;
    final Path stubDir;
    final Path clientKey;
    final Path knownHosts;
    final Path clientConf;
    final Path queue;
    final String user = System.getProperty("user.name");
    int port;
    private Process sshd;

    /** One call of the recording sendmail. */
    record Call(List<String> argv, byte[] stdin) {
        String text() {
            return new String(stdin, StandardCharsets.UTF_8);
        }
    }

    /** A finished program. */
    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    World() {
        try {
            dir = Files.createTempDirectory("it-client");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String p = System.getProperty("rsendmail.dist");
        dist = (p != null ? Path.of(p) : Path.of("target", "dist")).toAbsolutePath().normalize();
        if (!Files.isExecutable(dist.resolve("bin/sshsendmail"))) {
            throw new IllegalStateException("no runnable tree at " + dist + " (mvn package first)");
        }
        relayConf = dir.resolve("relay.conf");
        stubDir = dir.resolve("stub");
        clientKey = dir.resolve("client_key");
        knownHosts = dir.resolve("known_hosts");
        clientConf = dir.resolve("sshsendmail.conf");
        queue = dir.resolve("queue");
        writeStub();
        relayPolicy("");
        check(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "it-host", "-f", dir.resolve("host_key").toString());
        check(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "it-client", "-f", clientKey.toString());
        authorize(clientKey, "");
        startSshd();
        trustHostKey();
        clientConfig("");
    }

    Path sshsendmail() {
        return dist.resolve("bin/sshsendmail");
    }

    // ------------------------------------------------------------------ relay side

    /** Relay config: the stub as sendmail, log to a file, plus {@code policyLines} in [policy default]. */
    void relayPolicy(String policyLines) {
        write(relayConf, "sendmail " + stubDir.resolve("sendmail") + "\n"
                + "log " + dir.resolve("relay.log") + "\n"
                + "state_dir " + dir + "\n"
                + "default_policy default\n"
                + "[policy default]\nmax_recipients 100\n" + policyLines + "\n");
    }

    /** Adds a key's public half behind restrict,command="rsendmail --config …". */
    void authorize(Path key, String extraOptions) {
        try {
            String pub = Files.readString(Path.of(key + ".pub")).trim();
            String line = "restrict" + extraOptions + ",command=\"" + dist.resolve("bin/rsendmail") + " --config " + relayConf
                    + "\" " + pub + "\n";
            Files.writeString(dir.resolve("authorized_keys"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeStub() {
        write(stubDir.resolve("exit-code"), "0\n");
        write(stubDir.resolve("delay"), "0\n");
        Path s = write(stubDir.resolve("sendmail"), "#!/bin/sh\n"
                + "d='" + stubDir + "'\n"
                + "PATH=/usr/bin:/bin\n"
                + "call=$(mktemp -d \"$d/calls/call.$(date +%s%N).XXXXXX\") || exit 71\n"
                + "for a in \"$@\"; do printf '%s\\0' \"$a\" >>\"$call/argv\"; done\n"
                + "cat >\"$call/stdin.part\"\n"
                + "sleep \"$(cat \"$d/delay\")\"\n"
                + "mv \"$call/stdin.part\" \"$call/stdin\"\n"
                + "exit \"$(cat \"$d/exit-code\")\"\n");
        chmod(s, "rwxr-xr-x");
        try {
            Files.createDirectories(stubDir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stubExit(int code) {
        write(stubDir.resolve("exit-code"), code + "\n");
    }

    void stubDelay(int seconds) {
        write(stubDir.resolve("delay"), seconds + "\n");
    }

    /** Completed calls of the recording sendmail, oldest first. */
    List<Call> calls() {
        try (Stream<Path> s = Files.list(stubDir.resolve("calls"))) {
            List<Call> out = new ArrayList<>();
            for (Path c : s.sorted().toList()) {
                if (!Files.exists(c.resolve("stdin"))) {
                    continue;
                }
                byte[] a = Files.readAllBytes(c.resolve("argv"));
                List<String> words = new ArrayList<>();
                int start = 0;
                for (int i = 0; i < a.length; i++) {
                    if (a[i] == 0) {
                        words.add(new String(Arrays.copyOfRange(a, start, i), StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
                out.add(new Call(words, Files.readAllBytes(c.resolve("stdin"))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Call> awaitCalls(int n, Duration timeout) {
        await(() -> calls().size() >= n, timeout, () -> "expected " + n + " calls of the relay's sendmail, have "
                + calls().size() + "\n--- relay log:\n" + read(dir.resolve("relay.log")) + "\n--- client log:\n"
                + read(dir.resolve("client.log")));
        return calls();
    }

    void clearCalls() {
        Files2.deleteTree(stubDir.resolve("calls"));
        try {
            Files.createDirectories(stubDir.resolve("calls"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startSshd() {
        boolean root = "root".equals(user);
        try {
            if (root) {
                Files.createDirectories(Path.of("/run/sshd"));
            }
            for (int attempt = 0; attempt < 5; attempt++) {
                port = freePort();
                write(dir.resolve("sshd_config"), String.join("\n",
                        "Port " + port, "ListenAddress 127.0.0.1", "AddressFamily inet",
                        "HostKey " + dir.resolve("host_key"), "PidFile " + dir.resolve("sshd.pid"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "AuthorizedKeysCommand none",
                        "PubkeyAuthentication yes", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
                        "PermitRootLogin " + (root ? "forced-commands-only" : "no"), "AllowUsers " + user,
                        "UsePAM no", "StrictModes no", "PrintMotd no", "UseDNS no", "MaxStartups 100",
                        "MaxSessions 100", "LogLevel VERBOSE", ""));
                sshd = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (System.nanoTime() < deadline && sshd.isAlive()) {
                    if (read(dir.resolve("sshd.log")).contains("Server listening on") && listening(port)) {
                        return;
                    }
                    sleep(20);
                }
                stopSshd();
            }
            throw new IllegalStateException("sshd did not start: " + read(dir.resolve("sshd.log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stopSshd() {
        if (sshd != null) {
            sshd.descendants().forEach(ProcessHandle::destroyForcibly);
            sshd.destroy();
            try {
                sshd.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sshd.destroyForcibly();
            sshd = null;
        }
    }

    /** Starts sshd again on the same port (after {@link #stopSshd}). */
    void restartSshd() {
        try {
            sshd = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("sshd2.log").toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await(() -> listening(port), Duration.ofSeconds(10), () -> "sshd did not come back");
    }

    String sshdLog() {
        return read(dir.resolve("sshd.log"));
    }

    /** known_hosts line for the relay's real host key. */
    void trustHostKey() {
        String[] f = read(dir.resolve("host_key.pub")).trim().split(" ");
        write(knownHosts, "[127.0.0.1]:" + port + " " + f[0] + " " + f[1] + "\n");
    }

    // ------------------------------------------------------------------ client side

    /** Writes the client config: relay, identity, known_hosts, queue, log file, plus {@code extra} lines. */
    void clientConfig(String extra) {
        write(clientConf, "relay " + user + "@127.0.0.1:" + port + "\n"
                + "identity " + clientKey + "\n"
                + "known_hosts " + knownHosts + "\n"
                + "queue " + queue + "\n"
                + "domain client.test\n"
                + "log " + dir.resolve("client.log") + "\n"
                + "connect_timeout 5s\nauth_timeout 5s\ncommand_timeout 20s\n"
                + extra);
    }

    String clientLog() {
        return read(dir.resolve("client.log"));
    }

    Result sshsendmail(byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(sshsendmail().toString());
        cmd.addAll(List.of(args));
        return run(cmd, stdin, Map.of("SSHSENDMAIL_CONF", clientConf.toString()), Duration.ofSeconds(60));
    }

    Result run(List<String> cmd, byte[] stdin, Map<String, String> env, Duration timeout) {
        try {
            Path in = Files.createTempFile(dir, "in", "");
            Path out = Files.createTempFile(dir, "out", "");
            Path err = Files.createTempFile(dir, "err", "");
            Files.write(in, stdin == null ? new byte[0] : stdin);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd + "\n" + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.delete(in);
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    void check(String... cmd) {
        Result r = run(List.of(cmd), null, Map.of(), Duration.ofSeconds(60));
        if (r.exit() != 0) {
            throw new IllegalStateException(List.of(cmd) + " failed: " + r);
        }
    }

    // ------------------------------------------------------------------ helpers

    static byte[] message(String from, String to, String subject) {
        return ("From: <" + from + ">\nTo: <" + to + ">\nSubject: " + subject + "\n"
                + "Date: Thu, 01 Jan 2026 12:00:00 +0000\nMessage-ID: <" + System.nanoTime() + "@client.test>\n\n"
                + "Hello,\n.\n..two dots\nFrom the start of a line\nGrüße ✓\n").getBytes(StandardCharsets.UTF_8);
    }

    static Path write(Path f, String text) {
        try {
            Files.createDirectories(f.getParent());
            return Files.writeString(f, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }

    static void chmod(Path f, String perms) {
        try {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void await(BooleanSupplier cond, Duration timeout, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get());
            }
            sleep(50);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        stopSshd();
        if (!Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(dir);
        }
    }
}
