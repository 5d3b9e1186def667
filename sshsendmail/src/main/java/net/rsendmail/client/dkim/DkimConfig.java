package net.rsendmail.client.dkim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;

/**
 * The DKIM lines of sshsendmail.conf: {@code dkim DOMAIN SELECTOR KEYFILE},
 * {@code dkim_command DOMAIN SELECTOR COMMAND [ARGS...]} (both repeatable) and
 * {@code dkim_required yes|no}.
 */
public record DkimConfig(List<KeySource> keys, boolean required) {
    public static final DkimConfig NONE = new DkimConfig(List.of(), false);

    private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    /** RFC 6376 §3.1 selector; a domain name of LDH labels. */
    private static final String NAME = LABEL + "(\\." + LABEL + ")*";

    public DkimConfig {
        keys = List.copyOf(keys);
    }

    public boolean enabled() {
        return !keys.isEmpty() || required;
    }

    public List<KeySource> keysFor(String domain) {
        return keys.stream().filter(k -> k.domain().equalsIgnoreCase(domain)).toList();
    }

    public KeySource find(String domain, String selector) {
        return keys.stream().filter(k -> k.domain().equalsIgnoreCase(domain) && k.selector().equals(selector))
                .findFirst().orElse(null);
    }

    /** Collects the DKIM lines while the config file is read. */
    public static final class Builder {
        private final List<KeySource> keys = new ArrayList<>();
        private boolean required;

        /** Takes {@code e} if it is a DKIM line; false for any other key. */
        public boolean accept(ConfigFile.Entry e) throws ConfigException {
            switch (e.key()) {
                case "dkim_required":
                    required = ConfigFile.bool(e);
                    return true;
                case "dkim":
                case "dkim_command":
                    break;
                default:
                    return false;
            }
            List<String> w = e.words();
            boolean file = e.key().equals("dkim");
            if (file ? w.size() != 3 : w.size() < 3) {
                throw e.error(e.key() + ": expected " + (file ? "DOMAIN SELECTOR KEYFILE" : "DOMAIN SELECTOR COMMAND [ARGS...]"));
            }
            String domain = w.get(0).toLowerCase(Locale.ROOT);
            if (!domain.matches(NAME)) {
                throw e.error(e.key() + ": expected a domain name, got '" + w.get(0) + "'");
            }
            if (!w.get(1).matches(NAME)) {
                throw e.error(e.key() + ": expected a selector (letters, digits, '-', '.'), got '" + w.get(1) + "'");
            }
            if (!w.get(2).startsWith("/")) {
                throw e.error(e.key() + ": expected an absolute path, got '" + w.get(2) + "'");
            }
            if (keys.stream().anyMatch(k -> k.domain().equals(domain) && k.selector().equals(w.get(1)))) {
                throw e.error(e.key() + ": " + domain + " selector " + w.get(1) + " given twice");
            }
            keys.add(file ? new KeySource(domain, w.get(1), Path.of(w.get(2)), null)
                    : new KeySource(domain, w.get(1), null, w.subList(2, w.size())));
            return true;
        }

        public DkimConfig build() {
            return keys.isEmpty() && !required ? NONE : new DkimConfig(keys, required);
        }
    }
}
