package net.rsendmail.it;

import java.nio.file.Files;
import java.nio.file.Path;

/** The runnable tree under test: install/target/dist (system property rsendmail.dist). */
public final class Dist {
    private Dist() {
    }

    public static Path home() {
        String p = System.getProperty("rsendmail.dist");
        Path dist = p != null ? Path.of(p) : Path.of("target", "dist");
        dist = dist.toAbsolutePath().normalize();
        if (!Files.isExecutable(dist.resolve("bin/rsendmail"))) {
            throw new IllegalStateException("no runnable tree at " + dist + " (run mvn package first)");
        }
        return dist;
    }

    public static Path rsendmail() {
        return home().resolve("bin/rsendmail");
    }

    public static Path sshsendmail() {
        return home().resolve("bin/sshsendmail");
    }
}
