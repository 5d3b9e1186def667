package net.rsendmail.client.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration as read, with where each key was set, so that a problem found later
 * ({@link Deliverable}) can name the file and line.
 *
 * @param file    the file that was read, or that was looked for and is absent
 * @param present whether {@code file} exists (a missing default file gives the built-in defaults)
 * @param lines   for each key, the line that set it first
 */
public record LoadedConfig(ClientConfig config, Path file, boolean present, Map<String, Integer> lines)
        implements Deliverable.Sources {

    public LoadedConfig {
        lines = Map.copyOf(lines);
    }

    @Override
    public String of(String key) {
        Integer line = lines.get(key);
        return line == null ? file.toString() : file + ":" + line;
    }

    @Override
    public Deliverable.Problem absent(String key) {
        return new Deliverable.Problem(key, file.toString(), present ? "no '" + key + "' line"
                : "no such file (it needs at least a 'relay' and an 'identity' line)");
    }
}
