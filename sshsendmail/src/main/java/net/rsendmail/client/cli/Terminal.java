package net.rsendmail.client.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream is a terminal, as isatty(3) would say: on Linux the link
 * {@code /proc/self/fd/N} names the device (proc(5)). Java 17's {@code System.console()} asks about
 * stdin and stdout together, and so cannot tell for stderr alone.
 */
public final class Terminal {
    private Terminal() {
    }

    /** True if standard error is a terminal; false when that cannot be told (no /proc). */
    public static boolean stderr() {
        try {
            return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Pseudo-terminals (devpts), virtual consoles and serial lines: /dev/pts/N, /dev/ttyN, /dev/console. */
    static boolean isTerminalDevice(String target) {
        return target.matches("/dev/pts/[0-9]+|/dev/tty[A-Za-z]*[0-9]*|/dev/console");
    }
}
