package net.rsendmail.relay.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import net.rsendmail.mail.OsReason;

/**
 * A text file serve reads again when its size, modification time or inode change, as sshd(8)
 * reads authorized_keys and RevokedKeys at every login. A file that cannot be read gives
 * {@code unreadable} (the safe value: nobody in), with one log line until it can be read again.
 */
final class WatchedFile<T> {
    private final Path file;
    private final String what;
    private final String consequence;
    private final Function<List<String>, T> parse;
    private final T unreadable;
    private final Consumer<String> log;
    private Object stamp;
    private T value;

    /** {@code what} names the file in log lines, {@code consequence} says what an unreadable one means. */
    WatchedFile(Path file, String what, String consequence, Function<List<String>, T> parse, T unreadable,
            Consumer<String> log) {
        this.file = file;
        this.what = what;
        this.consequence = consequence;
        this.parse = parse;
        this.unreadable = unreadable;
        this.log = log;
    }

    synchronized T current() {
        Object now;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            now = List.of(a.size(), a.lastModifiedTime(), Objects.toString(a.fileKey()));
        } catch (IOException e) {
            return failed(e);
        }
        if (!now.equals(stamp)) {
            List<String> text;
            try {
                text = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return failed(e);
            }
            value = parse.apply(text);
            stamp = now;
        }
        return value;
    }

    /** A line that says something: not blank, not a {@code #} comment (sshd(8) AUTHORIZED_KEYS FILE FORMAT). */
    record Line(int number, String text) {
    }

    /** The lines of {@code text} that say something, stripped, with their numbers. */
    static List<Line> content(List<String> text) {
        List<Line> out = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String t = text.get(i).strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                out.add(new Line(i + 1, t));
            }
        }
        return out;
    }

    private T failed(IOException e) {
        if (stamp != null || value == null) {
            log.accept(what + " " + file + ": " + OsReason.of(e) + "; " + consequence);
        }
        stamp = null;
        value = unreadable;
        return value;
    }
}
