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
     * Makes sure {@code dir} can be written: a missing directory is created, mode 0700, only when its
     * parent exists (a typo in the config must not grow a tree); then a probe file is made and removed.
     */
    public static void check(Path dir) throws Refusal {
        try {
            if (!Files.isDirectory(dir)) {
                Path parent = dir.getParent();
                if (parent != null && !Files.exists(parent)) {
                    throw unusable(dir, "parent directory " + parent + " does not exist");
                }
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
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
