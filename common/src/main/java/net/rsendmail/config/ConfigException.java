package net.rsendmail.config;

import java.nio.file.Path;

/** A config file that cannot be used; the message names the file and, where known, the line. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason, null, false, false);
    }

    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
