package net.rsendmail.client.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which configurations can never deliver, and the one line that says why (file and line). */
class DeliverableTest {
    @TempDir
    Path dir;
    Path conf;
    Path key;
    Path hosts;

    @BeforeEach
    void files() throws Exception {
        conf = dir.resolve("sshsendmail.conf");
        key = dir.resolve("id_ed25519");
        hosts = dir.resolve("known_hosts");
        Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(hosts, "");
    }

    /** The problem with {@code text} as the config file, or "" when it can deliver. */
    String check(String text) throws Exception {
        Files.writeString(conf, text);
        return problem(ClientConfigReader.read(conf, true));
    }

    static String problem(LoadedConfig lc) {
        Optional<Deliverable.Problem> p = Deliverable.check(lc.config(), lc);
        return p.map(Deliverable.Problem::line).orElse("");
    }

    String good() {
        return "relay mail@relay.example.net\nidentity " + key + "\nknown_hosts " + hosts + "\n";
    }

    @Test
    void aCompleteConfigurationPasses() throws Exception {
        assertEquals("", check(good()));
        assertEquals("", check("# a comment first\n" + good() + "relay mail@relay2.example.net\n"));
    }

    @Test
    void noFileEmptyFileNoRelayNoIdentity() throws Exception {
        assertEquals(dir.resolve("absent.conf") + ": no such file (it needs at least a 'relay' and an 'identity' line)",
                problem(ClientConfigReader.read(dir.resolve("absent.conf"), false)));
        assertEquals(conf + ": no 'relay' line", check(""));
        assertEquals(conf + ": no 'relay' line", check("# only comments\n\n"));
        assertEquals(conf + ": no 'relay' line", check("identity " + key + "\nknown_hosts " + hosts + "\n"));
        assertEquals(conf + ": no 'identity' line", check("relay mail@relay.example.net\nknown_hosts " + hosts + "\n"));
    }

    @Test
    void theKeyMustExistAndBeTheOwnersAlone() throws Exception {
        Files.delete(key);
        assertEquals(conf + ":2: identity " + key + ": no such file", check(good()));
        Files.writeString(key, "x");
        for (String[] c : new String[][] {
                {"rw-r--r--", "readable by others"},
                {"rw----r--", "readable by others"},
                {"rw-r-----", "readable by its group"},
                {"rw--w----", "open to group or others (rw--w----)"},
                {"rw------x", "open to group or others (rw------x)"}}) {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(c[0]));
            assertEquals(conf + ":2: identity " + key + " is " + c[1] + " (chmod 600 it)", check(good()), c[0]);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        assertEquals("", check(good()));
    }

    @Test
    void hostileIdentities() throws Exception {
        // what the key loader could block on or read forever is refused by its kind
        Path fifo = dir.resolve("fifo");
        new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
        String text = "relay mail@relay.example.net\nknown_hosts " + hosts + "\nidentity ";
        assertEquals(conf + ":3: identity " + fifo + " is not a regular file", check(text + fifo + "\n"));
        assertEquals(conf + ":3: identity /dev/zero is not a regular file", check(text + "/dev/zero\n"));
        assertEquals(conf + ":3: identity " + dir + " is not a regular file", check(text + dir + "\n"));
        // a symlink is judged by what it points to, as ssh(1) does (stat, not lstat)
        Path open = dir.resolve("open");
        Files.writeString(open, "x");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), open);
        assertEquals(conf + ":3: identity " + link + " is readable by others (chmod 600 it)", check(text + link + "\n"));
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        assertEquals(conf + ":3: identity " + dangling + ": no such file", check(text + dangling + "\n"));
        // a path through a file, not a directory
        assertEquals(conf + ":3: identity " + key + "/x: Not a directory", check(text + key + "/x\n"));
    }

    @Test
    void knownHostsMustExistWhetherGivenOrTheDefault() throws Exception {
        Files.delete(hosts);
        assertEquals(conf + ":3: known_hosts " + hosts + ": no such file", check(good()));
        // no line: the default applies, and the line names the file only
        String noLine = "relay mail@relay.example.net\nidentity " + key + "\n";
        if (!Files.exists(ClientConfig.DEFAULT_KNOWN_HOSTS)) {
            assertEquals(conf + ": known_hosts " + ClientConfig.DEFAULT_KNOWN_HOSTS + ": no such file", check(noLine));
        }
    }

    @Test
    void aConfiguredCertificateMustExist() throws Exception {
        Path cert = dir.resolve("id_ed25519-cert.pub");
        assertEquals(conf + ":4: certificate " + cert + ": no such file", check(good() + "certificate " + cert + "\n"));
        Files.writeString(cert, "ssh-ed25519-cert-v01@openssh.com AAAA\n"); // what it holds is read by the delivering modes
        assertEquals("", check(good() + "certificate " + cert + "\n"));
    }

    @Test
    void theFirstProblemIsTheOneReported() throws Exception {
        Files.delete(hosts);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertEquals(conf + ":2: identity " + key + " is readable by others (chmod 600 it)", check(good()));
    }

    @Test
    void hostKeyDnsNeedsItsTrustAnchor() throws Exception {
        Path anchor = dir.resolve("anchor.ds");
        assertEquals(conf + ":5: dns_trust_anchor " + anchor + ": no such file (host_key_dns needs it; Debian: apt install"
                + " dns-root-data)", check(good() + "host_key_dns yes\ndns_trust_anchor " + anchor + "\n"));
        assertEquals("", check(good() + "dns_trust_anchor " + anchor + "\n"), "without host_key_dns it is not used");
        Files.writeString(anchor, "test. IN DS 1 13 2 00\n"); // what it holds is read when a key is checked
        assertEquals("", check(good() + "host_key_dns yes\ndns_trust_anchor " + anchor + "\n"));
    }
}
