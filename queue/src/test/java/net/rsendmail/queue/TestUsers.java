package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Real system users for the multi-user tests (made with useradd -M -r if missing), and running things as them. */
final class TestUsers {
    static final String USER_A = "rsmqa";
    static final String USER_B = "rsmqb";

    private TestUsers() {
    }

    static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    /** {uid, gid} of {@code name}, created first if missing. */
    static int[] ensureUser(String name) throws Exception {
        Process p = new ProcessBuilder("getent", "passwd", name).start();
        if (p.waitFor() != 0) {
            run("useradd", "-M", "-r", "-s", "/usr/sbin/nologin", name);
        }
        return new int[] {Integer.parseInt(run("id", "-u", name)), Integer.parseInt(run("id", "-g", name))};
    }

    /** setpriv's prefix to run a command as {@code ug}. */
    static List<String> as(int[] ug) {
        return List.of("setpriv", "--reuid=" + ug[0], "--regid=" + ug[1], "--clear-groups", "--");
    }

    /** The queue classes, test classes and slf4j-api, copied under {@code dir} where the test users can read them. */
    static String classPath(Path dir) throws IOException, URISyntaxException {
        Path cp = Files.createDirectory(dir.resolve("cp"));
        List<String> parts = new ArrayList<>();
        int n = 0;
        for (Class<?> c : List.of(MailQueue.class, DropUserChild.class, org.slf4j.Logger.class)) {
            Path src = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path dst = cp.resolve(n++ + "-" + src.getFileName());
            try (Stream<Path> s = Files.walk(src)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path t = dst.resolve(src.relativize(p).toString());
                    Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    Files.setAttribute(t, "unix:mode", Files.isDirectory(p) ? 0755 : 0644);
                }
            }
            parts.add(dst.toString());
        }
        Files.setAttribute(cp, "unix:mode", 0755);
        return String.join(":", parts);
    }

    /** Runs {@link DropUserChild} as {@code ug}; returns its result lines (exit 0 required). */
    static List<String> child(Path dir, int[] ug, String cp, byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(as(ug));
        cmd.addAll(TestSupport.javaCommand(DropUserChild.class, cp, args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        Child c = new Child(pb, dir.resolve("child-" + System.nanoTime() + ".err"));
        try (OutputStream o = c.process.getOutputStream()) {
            o.write(stdin);
        }
        assertTrue(c.process.waitFor(60, TimeUnit.SECONDS));
        List<String> out = c.finish();
        assertEquals(0, c.process.exitValue(), String.join(" ", args) + ": " + c.errors());
        return out;
    }
}
