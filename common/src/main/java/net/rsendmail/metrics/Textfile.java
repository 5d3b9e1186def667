package net.rsendmail.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Prometheus text-format file for node_exporter's textfile collector
 * (prometheus.io/docs/instrumenting/exposition_formats): written whole into a temporary file
 * beside it and renamed over it, so the collector never reads half of one. Mode 0644: the
 * collector runs as another user, and the file holds only counts.
 */
public final class Textfile {
    /** A metric family: name, HELP text, TYPE, and its samples. */
    public record Family(String name, String help, Type type, List<Sample> samples) {
        public Family {
            checkName(name);
            samples = List.copyOf(samples);
        }

        public static Family of(String name, String help, Type type, double value) {
            return new Family(name, help, type, List.of(new Sample(Map.of(), value)));
        }
    }

    /** One sample; {@code labels} in the order given (a LinkedHashMap keeps it). */
    public record Sample(Map<String, String> labels, double value) {
        public Sample {
            labels.keySet().forEach(Textfile::checkName);
        }
    }

    public enum Type { COUNTER, GAUGE }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** A sample line this class writes: {@code name{labels} value}, the labels kept as text. */
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)(\\{[^}\\n]*\\})? ([0-9]{1,18})");

    private Textfile() {
    }

    /** The whole file, as node_exporter reads it. */
    public static String format(List<Family> families) {
        StringBuilder b = new StringBuilder();
        for (Family f : families) {
            b.append("# HELP ").append(f.name()).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n');
            b.append("# TYPE ").append(f.name()).append(' ').append(f.type().name().toLowerCase()).append('\n');
            for (Sample s : f.samples()) {
                b.append(f.name()).append(labels(s.labels())).append(' ').append(number(s.value())).append('\n');
            }
        }
        return b.toString();
    }

    /** Writes {@code families} to {@code file} atomically (temporary file, fsync, rename). */
    public static void write(Path file, List<Family> families) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(format(families).getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The integer samples of a file this class wrote, keyed {@code name{labels}} as written, so a
     * process that starts anew carries its counters on; {} when the file is missing. Any other
     * line is skipped.
     */
    public static Map<String, Long> readIntegers(Path file) throws IOException {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            Matcher m = LINE.matcher(line);
            if (m.matches()) {
                out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Long.parseLong(m.group(3)));
            }
        }
        return out;
    }

    /** {@code name{labels}} as {@link #format} writes it: the key of {@link #readIntegers}. */
    public static String key(String name, Map<String, String> labels) {
        return name + labels(labels);
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        labels.forEach((k, v) -> parts.add(k + "=\"" + v.replace("\\", "\\\\").replace("\"", "\\\"")
                .replace("\n", "\\n") + "\""));
        return "{" + String.join(",", parts) + "}";
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a metric or label name: " + name);
        }
    }
}
