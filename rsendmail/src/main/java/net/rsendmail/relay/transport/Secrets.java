package net.rsendmail.relay.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;

/**
 * Reads the smarthost secret when a connection is made: the first line of {@code smtp_secret_file}
 * (which nobody but its owner may read) or of what {@code smtp_secret_command} prints (its argv run
 * without a shell, with a clean environment, within its timeout). Failures are the admin's to fix:
 * EX_CONFIG, so the client keeps the mail.
 */
final class Secrets {
    static final int MAX = 8192;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private Secrets() {
    }

    static String read(SmtpSettings.Secret secret) throws Refusal {
        if (secret instanceof SmtpSettings.Secret.File f) {
            return file(f.path());
        }
        return command((SmtpSettings.Secret.Command) secret);
    }

    private static String file(Path path) throws Refusal {
        byte[] bytes;
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            perms.retainAll(OTHERS);
            if (!perms.isEmpty()) {
                throw Refusal.config("smtp_secret_file " + path + " is open to group or others (chmod 600 it)");
            }
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                throw Refusal.config("smtp_secret_file " + path + " is not a regular file");
            }
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw Refusal.config("smtp_secret_file " + path + ": " + OsReason.of(e));
        }
        return firstLine(bytes, bytes.length, "smtp_secret_file " + path);
    }

    private static String command(SmtpSettings.Secret.Command c) throws Refusal {
        String name = "smtp_secret_command " + c.argv().get(0);
        ProcessBuilder pb = new ProcessBuilder(c.argv()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw Refusal.config(name + ": cannot run: " + OsReason.of(e));
        }
        byte[] out = new byte[MAX];
        int n = 0;
        try (InputStream in = p.getInputStream()) {
            long deadline = System.nanoTime() + c.timeout().toNanos();
            // Reads up to the first line end (the secret) or the end of output. At the deadline the
            // command is killed, and with it what it started: noted while it ran, since a grandchild
            // can hold the output open after the command itself has exited.
            Set<ProcessHandle> family = ConcurrentHashMap.newKeySet();
            Thread killer = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        p.descendants().forEach(family::add);
                        Thread.sleep(50);
                    }
                    family.forEach(ProcessHandle::destroyForcibly);
                    kill(p);
                } catch (InterruptedException e) {
                    family.forEach(ProcessHandle::destroyForcibly); // the answer is in: nothing may linger
                }
            }, "secret-command-timeout");
            killer.setDaemon(true);
            killer.start();
            int r;
            while (n < out.length && !hasLineEnd(out, n) && (r = in.read(out, n, out.length - n)) >= 0) {
                n += r;
            }
            if (!p.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw Refusal.config(name + ": no answer within " + c.timeout().toSeconds() + " s");
            }
            killer.interrupt(); // it has exited; what it left running is stopped
        } catch (IOException e) {
            kill(p);
            throw Refusal.config(name + ": " + OsReason.of(e));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw Refusal.temporary(name + ": interrupted");
        }
        if (p.exitValue() != 0) {
            throw Refusal.config(name + " exited " + p.exitValue());
        }
        return firstLine(out, n, name);
    }

    private static String firstLine(byte[] b, int length, String name) throws Refusal {
        String s = new String(b, 0, length, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl));
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw Refusal.config(name + ": empty first line, no secret");
        }
        return line;
    }

    private static boolean hasLineEnd(byte[] b, int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** The command and what it runs now. */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}
