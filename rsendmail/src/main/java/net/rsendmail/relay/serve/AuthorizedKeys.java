package net.rsendmail.relay.serve;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * The authorized_keys file, re-read when it changes ({@link WatchedFile}). A line that cannot be
 * applied is refused alone, with a log line; a file that cannot be read lets nobody in.
 */
final class AuthorizedKeys {
    private final WatchedFile<List<KeyLine>> file;

    AuthorizedKeys(Path path, Consumer<String> log) {
        this.file = new WatchedFile<>(path, "authorized_keys", "no key can log in",
                text -> read(path, text, log), List.of(), log);
    }

    /** The plain-key lines whose key is {@code key}, in file order. */
    List<KeyLine> matching(PublicKey key) {
        return lines(key, false);
    }

    /** The cert-authority lines whose key is {@code ca}, in file order. */
    List<KeyLine> authorities(PublicKey ca) {
        return lines(ca, true);
    }

    private List<KeyLine> lines(PublicKey key, boolean certAuthority) {
        List<KeyLine> out = new ArrayList<>();
        for (KeyLine l : file.current()) {
            if (l.certAuthority() == certAuthority && KeyUtils.compareKeys(l.key(), key)) {
                out.add(l);
            }
        }
        return out;
    }

    private static List<KeyLine> read(Path path, List<String> text, Consumer<String> log) {
        List<KeyLine> out = new ArrayList<>();
        for (WatchedFile.Line l : WatchedFile.content(text)) {
            try {
                out.add(KeyLine.parse(l.number(), l.text()));
            } catch (IllegalArgumentException e) {
                log.accept("authorized_keys " + path + " line " + l.number() + " refused: "
                        + Printable.of(String.valueOf(e.getMessage()), 300));
            }
        }
        log.accept("authorized_keys " + path + ": " + out.size() + " usable line(s)");
        return List.copyOf(out);
    }
}
