package net.rsendmail.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Log and state files (a log file, the client's lock files and relay-modes): created
 * 0600, since they name senders and recipients of every user. An existing file keeps the mode
 * and group an admin gave it (0640 with a group for a log others should read).
 */
public final class PrivateFiles {
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private PrivateFiles() {
    }

    /** {@link FileChannel#open} that creates the file 0600 (the umask can only take bits away). */
    public static FileChannel open(Path file, OpenOption... options) throws IOException {
        return FileChannel.open(file, Set.of(options), OWNER_ONLY);
    }
}
