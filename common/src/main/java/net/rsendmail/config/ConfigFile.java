package net.rsendmail.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.OsReason;

/**
 * Reads the project's config format: one {@code key value} per line, {@code #} comments, blank
 * lines, and {@code [kind NAME]} section headers. Knows nothing of the keys: callers check them
 * and report errors through {@link Entry#error}, which names the file and line. A section header
 * is an entry of its own (see {@link Entry#isSectionHeader}), so an empty section still exists.
 */
public final class ConfigFile {
    /** One {@code key value} line; {@code section} and {@code sectionName} are null before any header. */
    public record Entry(Path file, int line, String section, String sectionName, String key, String value) {
        public ConfigException error(String reason) {
            return new ConfigException(file, line, reason);
        }

        /** The {@code [kind NAME]} line itself: key and value are empty. */
        public boolean isSectionHeader() {
            return key.isEmpty();
        }

        /** The value split on white space. */
        public List<String> words() {
            return value.isEmpty() ? List.of() : List.of(value.split("[ \t]+"));
        }
    }

    private ConfigFile() {
    }

    /** Parses {@code file}; a missing file is a ConfigException unless the caller checks first. */
    public static List<Entry> read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "no such file");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read: " + OsReason.of(e));
        }
        return parse(file, new String(bytes, StandardCharsets.UTF_8));
    }

    public static List<Entry> parse(Path file, String text) throws ConfigException {
        List<Entry> out = new ArrayList<>();
        String section = null;
        String sectionName = null;
        int lineNo = 0;
        int pos = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            String line = nl < 0 ? text.substring(pos) : text.substring(pos, nl);
            pos = nl < 0 ? text.length() : nl + 1;
            lineNo++;
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c < ' ' && c != '\t') {
                    throw new ConfigException(file, lineNo, "control character in line");
                }
            }
            if (line.charAt(0) == '[') {
                if (line.charAt(line.length() - 1) != ']') {
                    throw new ConfigException(file, lineNo, "section header without ']'");
                }
                String[] parts = line.substring(1, line.length() - 1).strip().split("[ \t]+");
                if (parts.length != 2 || !isName(parts[0]) || !isName(parts[1])) {
                    throw new ConfigException(file, lineNo, "section header must be [KIND NAME]");
                }
                section = parts[0];
                sectionName = parts[1];
                out.add(new Entry(file, lineNo, section, sectionName, "", ""));
                continue;
            }
            int sp = 0;
            while (sp < line.length() && line.charAt(sp) != ' ' && line.charAt(sp) != '\t') {
                sp++;
            }
            String key = line.substring(0, sp);
            if (!isName(key)) {
                throw new ConfigException(file, lineNo, "bad key '" + key + "'");
            }
            out.add(new Entry(file, lineNo, section, sectionName, key, line.substring(sp).strip()));
        }
        return out;
    }

    /** Letters, digits, '_', '-' and '.': what keys and section names may use. */
    static boolean isName(String s) {
        if (s.isEmpty() || s.length() > 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** {@code yes}/{@code no} (also true/false, on/off). */
    public static boolean bool(Entry e) throws ConfigException {
        switch (e.value()) {
            case "yes": case "true": case "on":
                return true;
            case "no": case "false": case "off":
                return false;
            default:
                throw e.error(e.key() + ": expected yes or no, got '" + e.value() + "'");
        }
    }

    /** A non-negative whole number. */
    public static long number(Entry e) throws ConfigException {
        return parseNumber(e, e.value(), false);
    }

    /** A byte count with an optional K, M or G suffix (powers of 1024). */
    public static long size(Entry e) throws ConfigException {
        return parseNumber(e, e.value(), true);
    }

    private static long parseNumber(Entry e, String v, boolean suffix) throws ConfigException {
        long mult = 1;
        String digits = v;
        if (suffix && !v.isEmpty()) {
            char last = Character.toUpperCase(v.charAt(v.length() - 1));
            int shift = last == 'K' ? 10 : last == 'M' ? 20 : last == 'G' ? 30 : 0;
            if (shift > 0) {
                mult = 1L << shift;
                digits = v.substring(0, v.length() - 1);
            }
        }
        if (digits.isEmpty() || digits.length() > 12) {
            throw e.error(e.key() + ": expected a number, got '" + v + "'");
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw e.error(e.key() + ": expected a number, got '" + v + "'");
            }
        }
        return Long.parseLong(digits) * mult;
    }

    /** An absolute path. */
    public static Path absolutePath(Entry e) throws ConfigException {
        String v = e.value();
        if (v.isEmpty() || v.charAt(0) != '/') {
            throw e.error(e.key() + ": expected an absolute path, got '" + v + "'");
        }
        return Path.of(v);
    }
}
