package net.rsendmail.relay.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * The options field of an authorized_keys line (sshd(8), AUTHORIZED_KEYS FILE FORMAT):
 * comma-separated, names case-insensitive, values in double quotes with {@code \"} for a quote,
 * no blanks outside quotes. Parsing only; {@link KeyLine} decides what each option means.
 */
final class KeyOptions {
    record Option(String name, String value) {
    }

    /** The options and where the key type starts. */
    record Parsed(List<Option> options, int end) {
    }

    private KeyOptions() {
    }

    static Parsed parse(String line) {
        List<Option> options = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (true) {
            int start = i;
            while (i < n && line.charAt(i) != '=' && line.charAt(i) != ',' && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("empty option at column " + (i + 1));
            }
            String name = line.substring(start, i).toLowerCase(java.util.Locale.ROOT);
            String value = null;
            if (i < n && line.charAt(i) == '=') {
                i++;
                if (i >= n || line.charAt(i) != '"') {
                    throw new IllegalArgumentException("option " + name + "= needs a value in double quotes");
                }
                StringBuilder v = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        throw new IllegalArgumentException("option " + name + ": missing closing quote");
                    }
                    char c = line.charAt(i);
                    if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '"') {
                        v.append('"');
                        i += 2;
                    } else if (c == '"') {
                        i++;
                        break;
                    } else {
                        v.append(c);
                        i++;
                    }
                }
                value = v.toString();
            }
            options.add(new Option(name, value));
            if (i < n && line.charAt(i) == ',') {
                i++;
                continue;
            }
            if (i < n && !Character.isWhitespace(line.charAt(i))) {
                throw new IllegalArgumentException("unexpected '" + line.charAt(i) + "' after option " + name);
            }
            return new Parsed(options, i);
        }
    }
}
