package net.rsendmail.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Shared helpers: deterministic messages, temp directories, child JVMs. */
final class TestSupport {
    private TestSupport() {
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A fresh directory under /tmp, reachable by the unprivileged test users. */
    static Path newDir(String prefix) throws IOException {
        Path d = Files.createTempDirectory(Path.of("/tmp"), "rsmq-" + prefix + "-");
        Files.setAttribute(d, "unix:mode", 0755);
        return d;
    }

    static void deleteTree(Path p) {
        if (p != null) {
            Fs.deleteTreeQuietly(p);
        }
    }

    /** 4 MiB of fixed pseudo-random bytes (all 256 values, so CR, LF, NUL and 8-bit data occur). */
    private static final class Pool {
        static final byte[] BYTES = new byte[4 << 20];

        static {
            new Random(42).nextBytes(BYTES);
        }
    }

    /** Message {@code i} of stream {@code seed}: a header naming both, then a slice of the pool. */
    static byte[] body(long seed, int i, int size) {
        byte[] head = ("X-Test: " + seed + " " + i + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[Math.max(size, head.length)];
        int room = Pool.BYTES.length - b.length;
        int off = (int) Math.floorMod(seed * 7919L + i * 104729L, (long) room);
        System.arraycopy(Pool.BYTES, off, b, 0, b.length);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    /** Size of message {@code i}: mostly a few kB, some large enough for a kill to land mid-write. */
    static int sizeOf(long seed, int i) {
        Random r = new Random(seed * 31 + i);
        int k = r.nextInt(20);
        if (k == 0) {
            return 1_000_000 + r.nextInt(1_000_000);
        }
        if (k < 4) {
            return 100_000 + r.nextInt(200_000);
        }
        return 200 + r.nextInt(20_000);
    }

    static InputStream in(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    static Envelope env(String sender, String... rcpts) {
        return new Envelope(sender, List.of(rcpts));
    }

    static byte[] readBody(Claim c) throws IOException {
        try (InputStream in = c.openBody()) {
            return in.readAllBytes();
        }
    }

    /** Command line for a child JVM running {@code main} with this JVM's test class path. */
    static List<String> javaCommand(Class<?> main, String classPath, String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java,
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto",
                "-Xmx96m", "-cp", classPath, main.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    static ProcessBuilder child(Class<?> main, String... args) {
        return new ProcessBuilder(javaCommand(main, System.getProperty("java.class.path"), args));
    }
}
