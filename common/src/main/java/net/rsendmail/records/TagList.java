package net.rsendmail.records;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A tag=value list, the syntax of DKIM key records (RFC 6376 §3.2), DMARC (RFC 7489 §6.4) and
 * TLS-RPT (RFC 8460 §3): {@code tag = value} separated by {@code ;}, whitespace around both ignored,
 * a trailing {@code ;} allowed. Tag names are ALPHA *(ALPHA / DIGIT / "_"); a value holds printable
 * ASCII but {@code ;}. A tag given twice makes the whole list invalid (RFC 6376 §3.2).
 */
public final class TagList {
    private final Map<String, String> tags;

    private TagList(Map<String, String> tags) {
        this.tags = tags;
    }

    /** The parsed list, or why it is not one. */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Bad {
        record Ok(TagList list) implements Parsed {
        }

        record Bad(String reason) implements Parsed {
        }
    }

    public static Parsed parse(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        String[] parts = text.split(";", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i].strip();
            if (part.isEmpty()) {
                if (i == parts.length - 1) {
                    break; // the trailing ";"
                }
                return new Parsed.Bad("empty tag before a ';'");
            }
            int eq = part.indexOf('=');
            if (eq < 0) {
                return new Parsed.Bad("'" + show(part) + "' is not tag=value");
            }
            String name = part.substring(0, eq).strip();
            String value = part.substring(eq + 1).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
                return new Parsed.Bad("bad tag name '" + show(name) + "'");
            }
            for (int k = 0; k < value.length(); k++) {
                char c = value.charAt(k);
                if (c != ' ' && c != '\t' && (c < 0x21 || c > 0x7e)) {
                    return new Parsed.Bad("control or non-ASCII character in the value of " + name);
                }
            }
            if (tags.putIfAbsent(name, value) != null) {
                return new Parsed.Bad("tag " + name + " given twice");
            }
        }
        return new Parsed.Ok(new TagList(tags));
    }

    public Optional<String> get(String tag) {
        return Optional.ofNullable(tags.get(tag));
    }

    /** The first tag, for records that must start with their version tag (v=DKIM1, v=DMARC1). */
    public Optional<String> firstTag() {
        return tags.keySet().stream().findFirst();
    }

    /** A value in lower case, for the tags whose values are case-insensitive keywords. */
    public Optional<String> keyword(String tag) {
        return get(tag).map(v -> v.toLowerCase(Locale.ROOT));
    }

    static String show(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
