package net.rsendmail.relay.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * The authorized_keys file, re-read when its size, modification time or inode change. A line that
 * cannot be applied is refused alone, with a log line; a file that cannot be read lets nobody in.
 */
final class AuthorizedKeys {
    private final Path file;
    private final Consumer<String> log;
    private Object stamp;
    private List<KeyLine> lines = List.of();

    AuthorizedKeys(Path file, Consumer<String> log) {
        this.file = file;
        this.log = log;
    }

    /** The lines whose key is {@code key}, in file order. */
    List<KeyLine> matching(PublicKey key) {
        List<KeyLine> out = new ArrayList<>();
        for (KeyLine l : current()) {
            if (KeyUtils.compareKeys(l.key(), key)) {
                out.add(l);
            }
        }
        return out;
    }

    private synchronized List<KeyLine> current() {
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            now = List.of(a.size(), a.lastModifiedTime(), Objects.toString(a.fileKey()));
        } catch (IOException e) {
            if (stamp != null || lines.isEmpty()) {
                log.accept("authorized_keys " + file + ": " + OsReason.of(e) + "; no key can log in");
            }
            stamp = null;
            lines = List.of();
            return lines;
        }
        if (!now.equals(stamp)) {
            lines = read();
            stamp = now;
        }
        return lines;
    }

    private List<KeyLine> read() {
        List<String> text;
        try {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.accept("authorized_keys " + file + ": " + OsReason.of(e) + "; no key can log in");
            return List.of();
        }
        List<KeyLine> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String t = text.get(i).strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            try {
                out.add(KeyLine.parse(i + 1, t));
            } catch (IllegalArgumentException e) {
                log.accept("authorized_keys " + file + " line " + (i + 1) + " refused: "
                        + Printable.of(String.valueOf(e.getMessage()), 300));
            }
        }
        log.accept("authorized_keys " + file + ": " + out.size() + " usable line(s)");
        return List.copyOf(out);
    }
}
