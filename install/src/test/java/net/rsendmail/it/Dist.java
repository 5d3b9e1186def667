package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The runnable tree under test: install/target/dist (system property rsendmail.dist), or a copy
 * of it in a world-readable temporary directory when other users cannot reach the built one
 * (a clone below a 0700 home directory): Postfix's pipe(8) and the tests' unprivileged users run
 * it as themselves.
 */
public final class Dist {
    private static Path home;

    private Dist() {
    }

    public static synchronized Path home() {
        if (home == null) {
            String p = System.getProperty("rsendmail.dist");
            Path dist = (p != null ? Path.of(p) : Path.of("target", "dist")).toAbsolutePath().normalize();
            if (!Files.isExecutable(dist.resolve("bin/rsendmail"))) {
                throw new IllegalStateException("no runnable tree at " + dist + " (run mvn package first)");
            }
            Path hidden = closedAncestor(dist);
            home = hidden == null ? dist : stage(dist, hidden);
        }
        return home;
    }

    public static Path rsendmail() {
        return home().resolve("bin/rsendmail");
    }

    public static Path sshsendmail() {
        return home().resolve("bin/sshsendmail");
    }

    /** The first directory on the way to {@code dir} that other users cannot enter, or null. */
    private static Path closedAncestor(Path dir) {
        for (Path d = dir; d != null; d = d.getParent()) {
            try {
                if (!Files.getPosixFilePermissions(d).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return d;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }

    private static Path stage(Path dist, Path hidden) {
        Path dir = Files2.tempDir("it-dist");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Files2.deleteTree(dir), "it-dist-cleaner"));
        Path copy = dir.resolve("rsendmail");
        System.err.println("it: " + hidden + " is closed to other users (mode 0700?): testing a copy of " + dist
                + " in " + copy);
        try {
            Files2.copyTree(dist, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!Boolean.getBoolean("rsendmail.cds.skip")) {
            // the archive fits one installation directory: make the copy's own
            for (String launcher : List.of("bin/rsendmail", "bin/sshsendmail")) {
                Proc.Result r = Proc.run(List.of(copy.resolve(launcher).toString(), "--regenerate-cds"), null,
                        Duration.ofSeconds(180), Map.of(), dir);
                if (r.exit() != 0) {
                    throw new IllegalStateException("cannot make the staged tree's CDS archive: " + r);
                }
            }
        }
        return copy;
    }
}
