package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.config.ConfigException;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.relay.config.ServeConfigReader;
import net.rsendmail.relay.config.TransportKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .conf man pages (install/src/man, the one source of the packages' roff) document exactly the
 * keys the config readers accept: a key added to a reader without its entry, or an entry for a key
 * that does not exist, fails here. Each key of a reader's list is also one its parser knows.
 */
class ManPagesIT {
    static final Path MAN = Path.of("src", "man");
    /** A definition-list term of a KEYS section: {@code **key** VALUE} at the start of a line. */
    static final Pattern TERM = Pattern.compile("^\\*\\*([a-z0-9_]+)\\*\\*");

    @TempDir
    Path tmp;

    /** The keys documented under the heading {@code # HEADING} (up to the next heading). */
    static Set<String> documented(String page, String heading) throws IOException {
        Set<String> keys = new TreeSet<>();
        boolean in = false;
        boolean found = false;
        for (String line : Files.readAllLines(MAN.resolve(page))) {
            if (line.startsWith("# ")) {
                in = line.equals("# " + heading);
                found |= in;
                continue;
            }
            Matcher m = TERM.matcher(line);
            if (in && m.find()) {
                keys.add(m.group(1));
            }
        }
        assertTrue(found, page + " has no section '# " + heading + "'");
        return keys;
    }

    @Test
    void sshsendmailConfDocumentsEveryKeyAndNoOther() throws IOException {
        assertEquals(new TreeSet<>(ClientConfigReader.KEYS), documented("sshsendmail.conf.5.md", "KEYS"));
    }

    @Test
    void rsendmailConfDocumentsEveryKeyAndNoOther() throws IOException {
        assertEquals(new TreeSet<>(RelayConfigReader.KEYS), documented("rsendmail.conf.5.md", "KEYS"));
        assertEquals(new TreeSet<>(ServeConfigReader.KEYS), documented("rsendmail.conf.5.md", "SERVE KEYS"));
        assertEquals(new TreeSet<>(RelayConfigReader.POLICY_KEYS), documented("rsendmail.conf.5.md", "POLICY KEYS"));
        assertEquals(new TreeSet<>(TransportKeys.KEYS), documented("rsendmail.conf.5.md", "TRANSPORT KEYS"));
    }

    /** The lists are the parsers' own: every key in them gets past "unknown key", a made-up one does not. */
    @Test
    void everyListedKeyIsOneTheParserKnows() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (String key : ClientConfigReader.KEYS) {
            String e = clientError(key + " x");
            if (e.contains("unknown key")) {
                unknown.add("sshsendmail.conf " + key + ": " + e);
            }
        }
        for (String key : RelayConfigReader.KEYS) {
            String e = relayError(key + " x\n");
            if (e.contains("unknown")) {
                unknown.add("rsendmail.conf " + key + ": " + e);
            }
        }
        for (String key : ServeConfigReader.KEYS) {
            String e = relayError(key + " x\n");
            if (e.contains("unknown")) {
                unknown.add("rsendmail.conf serve key " + key + ": " + e);
            }
        }
        for (String key : RelayConfigReader.POLICY_KEYS) {
            String e = relayError("[policy p]\n" + key + " x\n");
            if (e.contains("unknown")) {
                unknown.add("rsendmail.conf [policy] " + key + ": " + e);
            }
        }
        for (String key : TransportKeys.KEYS) {
            for (String where : List.of("", "[policy p]\n")) {
                String e = relayError(where + key + " x\n");
                if (e.contains("unknown")) {
                    unknown.add("rsendmail.conf " + where.strip() + " transport key " + key + ": " + e);
                }
            }
        }
        assertEquals(List.of(), unknown);
        assertTrue(clientError("relya x").contains("unknown key 'relya'"));
        assertTrue(relayError("sendmial x\n").contains("unknown key 'sendmial'"));
        assertTrue(relayError("[policy p]\nsender x\n").contains("unknown policy key 'sender'"));
    }

    @Test
    void everyPageHasItsTitleAndName() throws IOException {
        for (String page : List.of("sshsendmail.8", "sshsendmail.conf.5", "rsendmail.8", "rsendmail.conf.5")) {
            List<String> lines = Files.readAllLines(MAN.resolve(page + ".md"));
            String name = page.substring(0, page.lastIndexOf('.'));
            String section = page.substring(page.lastIndexOf('.') + 1);
            assertTrue(lines.get(0).startsWith("% " + name.toUpperCase() + " " + section + " "), page + ": " + lines.get(0));
            int at = lines.indexOf("# NAME");
            assertFalse(at < 0, page + " has no NAME section");
            assertTrue(lines.get(at + 2).startsWith(name + " - "), page + " NAME: " + lines.get(at + 2));
        }
    }

    /** The message a one-line sshsendmail.conf is refused with, "" when it is accepted. */
    private String clientError(String text) throws IOException {
        Path f = Files2.write(tmp.resolve("sshsendmail.conf"), text + "\n");
        try {
            ClientConfigReader.read(f, true);
            return "";
        } catch (ConfigException e) {
            return String.valueOf(e.getMessage());
        }
    }

    private String relayError(String text) throws IOException {
        Path f = Files2.write(tmp.resolve("rsendmail.conf"), text);
        try {
            RelayConfigReader.load(f, true);
            return "";
        } catch (ConfigException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
