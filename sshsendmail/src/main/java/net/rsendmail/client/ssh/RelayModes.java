package net.rsendmail.client.ssh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.io.PrivateFiles;
import org.slf4j.Logger;

/**
 * What each relay was found to speak: {@code lmtp} (it greeted {@code rsendmail --lmtp}) or
 * {@code plain} (it did not: one channel per message). Kept in memory and in a small file at the
 * top of the queue directory ({@code relay-modes}: {@code RELAY MODE EXPIRY-EPOCH-SECONDS} per
 * line), so that queue runs do not probe a plain relay every time. An entry lasts a day.
 */
public final class RelayModes {
    private static final Logger LOG = ClientLog.get("delivery");
    public static final String FILE = "relay-modes";
    public static final Duration LIFETIME = Duration.ofDays(1);

    public enum Mode { LMTP, PLAIN }

    private record Entry(Mode mode, Instant expires) {
    }

    private final Path file;
    private final Map<String, Entry> modes = new LinkedHashMap<>();

    /** @param file null: in memory only */
    public RelayModes(Path file) {
        this.file = file;
        load();
    }

    /** The remembered mode for {@code relay}, or null when unknown or expired. */
    public synchronized Mode get(String relay) {
        Entry e = modes.get(relay);
        if (e == null || e.expires().isBefore(Instant.now())) {
            return null;
        }
        return e.mode();
    }

    /** Remembers {@code mode} for a day; the file is rewritten when something changed. */
    public synchronized void remember(String relay, Mode mode) {
        Entry old = modes.get(relay);
        Instant now = Instant.now();
        if (old != null && old.mode() == mode && old.expires().isAfter(now.plus(LIFETIME.dividedBy(2)))) {
            return;
        }
        modes.put(relay, new Entry(mode, now.plus(LIFETIME)));
        save();
    }

    private void load() {
        if (file == null) {
            return;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.strip().split("\\s+");
                if (f.length != 3 || line.startsWith("#")) {
                    continue;
                }
                try {
                    modes.put(f[0], new Entry(Mode.valueOf(f[1].toUpperCase(java.util.Locale.ROOT)),
                            Instant.ofEpochSecond(Long.parseLong(f[2]))));
                } catch (IllegalArgumentException e) {
                    // a damaged line is forgotten: the relay is probed again
                }
            }
        } catch (NoSuchFileException e) {
            // nothing known yet
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.getMessage());
        }
    }

    private void save() {
        if (file == null) {
            return;
        }
        StringBuilder b = new StringBuilder("# relay mode expiry (written by sshsendmail; safe to delete)\n");
        Instant now = Instant.now();
        for (Map.Entry<String, Entry> e : modes.entrySet()) {
            if (e.getValue().expires().isAfter(now)) {
                b.append(e.getKey()).append(' ').append(e.getValue().mode().name().toLowerCase(java.util.Locale.ROOT))
                        .append(' ').append(e.getValue().expires().getEpochSecond()).append('\n');
            }
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try {
            Files.deleteIfExists(tmp); // maybe another user's, left by an older version
            try (FileChannel ch = PrivateFiles.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bb = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
                while (bb.hasRemaining()) {
                    ch.write(bb);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write {}: {}", file, e.getMessage());
        }
    }
}
