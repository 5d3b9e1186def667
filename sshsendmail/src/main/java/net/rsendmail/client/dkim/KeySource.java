package net.rsendmail.client.dkim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where one configured key comes from: {@code dkim DOMAIN SELECTOR KEYFILE} or
 * {@code dkim_command DOMAIN SELECTOR COMMAND [ARGS...]} (run without a shell, PEM on stdout).
 */
public record KeySource(String domain, String selector, Path file, List<String> command) {
    /** A key command that takes longer is killed. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    public KeySource {
        command = command == null ? null : List.copyOf(command);
    }

    /** "dkim example.org sel (/etc/key)": names the config line in messages. */
    public String describe() {
        return (file != null ? "dkim " : "dkim_command ") + domain + " " + selector + " ("
                + (file != null ? file : String.join(" ", command)) + ")";
    }

    /** Reads and checks the key; the problem says what to fix. */
    public DkimKey load() throws KeyProblem {
        byte[] pem = file != null ? readFile() : runCommand();
        PemKeys.Parsed p = PemKeys.parse(pem, describe());
        DkimKey k = new DkimKey(domain, selector, p.algorithm(), p.privateKey());
        requireBits(k.algorithm(), k.bits());
        return k;
    }

    /**
     * What {@link #load} finds wrong with a key file, as far as its PEM and DER show it without the
     * JDK's providers (see {@link KeyShape}); a key file only.
     */
    public void check() throws KeyProblem {
        KeyShape.Shape s = KeyShape.of(PemKeys.read(readFile(), describe()), describe());
        requireBits(s.algorithm(), s.bits());
    }

    private void requireBits(DkimKey.Algorithm algorithm, int bits) throws KeyProblem {
        if (algorithm == DkimKey.Algorithm.RSA && bits < DkimKey.MIN_RSA_BITS) {
            throw new KeyProblem(describe() + ": the RSA key has " + bits + " bits; DKIM keys need at least "
                    + DkimKey.MIN_RSA_BITS + " (make one with sshsendmail --dkim-keygen " + domain + " " + selector
                    + " rsa)");
        }
    }

    private byte[] readFile() throws KeyProblem {
        try {
            if (Files.size(file) > PemKeys.MAX_TEXT) {
                throw new KeyProblem(describe() + ": too large for a PEM private key");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyProblem(describe() + ": no such file (make one with sshsendmail --dkim-keygen " + domain + " "
                    + selector + ", or correct the path)");
        } catch (AccessDeniedException e) {
            throw new KeyProblem(describe() + ": permission denied; the queue's owner must be able to read it"
                    + " (chown it to that user, mode 0600)");
        } catch (IOException e) {
            throw new KeyProblem(describe() + ": cannot read: " + e.getMessage());
        }
    }

    private byte[] runCommand() throws KeyProblem {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new KeyProblem(describe() + ": cannot run the command: " + e.getMessage());
        }
        Bounded out = new Bounded(p.getInputStream(), PemKeys.MAX_TEXT + 1);
        Bounded err = new Bounded(p.getErrorStream(), 512);
        out.start();
        err.start();
        try {
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new KeyProblem(describe() + ": the command did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s (killed); it must print the key and exit");
            }
            out.join(COMMAND_TIMEOUT.toMillis());
            err.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KeyProblem(describe() + ": interrupted while the command ran");
        }
        String stderr = err.text().strip().replaceAll("\\s+", " ");
        if (p.exitValue() != 0) {
            throw new KeyProblem(describe() + ": the command exited with status " + p.exitValue()
                    + (stderr.isEmpty() ? "" : ": " + stderr));
        }
        if (out.bytes().length > PemKeys.MAX_TEXT) {
            throw new KeyProblem(describe() + ": the command printed more than " + PemKeys.MAX_TEXT
                    + " bytes; it must print only the PEM private key");
        }
        return out.bytes();
    }

    /** Reads a stream to its end, keeping at most {@code max} bytes (the rest is drained). */
    private static final class Bounded extends Thread {
        private final InputStream in;
        private final int max;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        Bounded(InputStream in, int max) {
            this.in = in;
            this.max = max;
            setDaemon(true);
        }

        @Override
        public void run() {
            byte[] b = new byte[4096];
            try (in) {
                for (int n; (n = in.read(b)) >= 0; ) {
                    synchronized (buf) {
                        buf.write(b, 0, Math.max(0, Math.min(n, max - buf.size())));
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
        }

        byte[] bytes() {
            synchronized (buf) {
                return buf.toByteArray();
            }
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }
}
