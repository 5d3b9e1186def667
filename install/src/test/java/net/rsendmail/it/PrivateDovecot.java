package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dovecot's auth service alone (Debian's dovecot-core), as the SASL back end of a private Postfix
 * smtpd ({@code smtpd_sasl_type = dovecot}): its own config, base and state directories in a
 * temporary directory, users from a passwd-file, one auth socket; no IMAP, POP3 or mail storage.
 * Started in the foreground ({@code dovecot -F}) by the test, stopped (SIGTERM, awaited) by
 * {@link #close}. Needs root, as every private Postfix does.
 */
public final class PrivateDovecot implements AutoCloseable {
    private final Path dir;
    private final Process process;

    private PrivateDovecot(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /** Starts it in {@code dir} with one user {@code user} whose password is {@code password}. */
    public static PrivateDovecot start(Path dir, String user, String password) {
        try {
            Files.createDirectories(dir.resolve("run"));
            Files.createDirectories(dir.resolve("state"));
            Files2.write(dir.resolve("passwd"), user + ":{PLAIN}" + password + "::::::\n");
            Path conf = Files2.write(dir.resolve("dovecot.conf"), String.join("\n",
                    "# Dovecot auth for a private Postfix smtpd: nothing else",
                    "protocols =",
                    "listen = 127.0.0.1", // no protocol listens: only the auth socket
                    "base_dir = " + dir.resolve("run"),
                    "state_dir = " + dir.resolve("state"),
                    "log_path = " + dir.resolve("dovecot.log"),
                    "ssl = no",
                    "disable_plaintext_auth = no",
                    "auth_mechanisms = plain login",
                    "passdb {",
                    "  driver = passwd-file",
                    "  args = scheme=PLAIN username_format=%u " + dir.resolve("passwd"),
                    "}",
                    "userdb {",
                    "  driver = static",
                    "  args = uid=nobody gid=nogroup home=/nonexistent",
                    "}",
                    "service auth {",
                    "  unix_listener postfix-auth {",
                    "    mode = 0666",
                    "  }",
                    "}",
                    "service anvil {",
                    "  chroot =",
                    "}",
                    "") + "\n");
            Process p = new ProcessBuilder("/usr/sbin/dovecot", "-F", "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("dovecot.out").toFile()).start();
            PrivateDovecot d = new PrivateDovecot(dir, p);
            try {
                Wait.until(() -> Files.exists(socket(dir)) || !p.isAlive(), Duration.ofSeconds(20), d::log);
                if (!p.isAlive()) {
                    throw new IllegalStateException("dovecot exited " + p.exitValue() + ": " + d.log());
                }
            } catch (RuntimeException | AssertionError e) {
                d.close();
                throw e;
            }
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path socket(Path dir) {
        return dir.resolve("run").resolve("postfix-auth");
    }

    /** The auth socket, for {@code smtpd_sasl_path}. */
    public Path socket() {
        return socket(dir);
    }

    public String log() {
        return (Files.exists(dir.resolve("dovecot.out")) ? Files2.read(dir.resolve("dovecot.out")) : "")
                + (Files.exists(dir.resolve("dovecot.log")) ? Files2.read(dir.resolve("dovecot.log")) : "");
    }

    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle c : children) {
            c.destroy();
            c.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
        }
    }
}
