package net.rsendmail.relay.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;

/**
 * The relay's {@code state_dir} (rate limits, exactly-once records), checked before a session
 * relies on it, so that trouble is answered up front with the directory and the OS reason.
 */
public final class StateDir {
    private StateDir() {
    }

    /**
     * Makes sure {@code dir} exists: a missing directory is created, mode 0700, only when its parent
     * exists (a typo in the config must not grow a tree). Cheap when it is there: for every message.
     */
    public static void ensure(Path dir) throws Refusal {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null && !Files.exists(parent)) {
            throw unusable(dir, "parent directory " + parent + " does not exist");
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw unusable(dir, OsReason.of(e));
        }
    }

    /** {@link #ensure}, then a probe file made and removed: once per session, before relying on it. */
    public static void check(Path dir) throws Refusal {
        ensure(dir);
        try {
            Path probe = Files.createTempFile(dir, ".probe-", "");
            Files.delete(probe);
        } catch (IOException e) {
            throw unusable(dir, OsReason.of(e));
        }
    }

    public static Refusal unusable(Path dir, String reason) {
        return Refusal.temporary("state directory " + dir + " unusable: " + reason);
    }
}
