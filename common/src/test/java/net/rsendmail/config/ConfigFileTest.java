package net.rsendmail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    private static final Path F = Path.of("/etc/x.conf");

    @Test
    void keysValuesSectionsAndComments() throws ConfigException {
        List<ConfigFile.Entry> e = ConfigFile.parse(F,
                "# comment\n\nsendmail /usr/sbin/sendmail  # trailing\n[policy laptop]\nsenders a@x.org  @y.org\n");
        assertEquals(3, e.size());
        assertEquals("sendmail", e.get(0).key());
        assertEquals("/usr/sbin/sendmail", e.get(0).value());
        assertNull(e.get(0).section());
        assertEquals(3, e.get(0).line());
        assertTrue(e.get(1).isSectionHeader());
        assertEquals("laptop", e.get(1).sectionName());
        assertEquals(4, e.get(1).line());
        assertFalse(e.get(2).isSectionHeader());
        assertEquals("policy", e.get(2).section());
        assertEquals("laptop", e.get(2).sectionName());
        assertEquals(List.of("a@x.org", "@y.org"), e.get(2).words());
        assertEquals(5, e.get(2).line());
    }

    @Test
    void errorsNameFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(F, "a b\n[policy x\n"));
        assertEquals("/etc/x.conf:2: section header without ']'", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigFile.parse(F, "\n\nke$y v\n"));
        assertEquals("/etc/x.conf:3: bad key 'ke$y'", e.getMessage());
        e = assertThrows(ConfigException.class, () -> ConfigFile.parse(F, "[policy a b]\n"));
        assertTrue(e.getMessage().startsWith("/etc/x.conf:1: "));
        e = assertThrows(ConfigException.class, () -> ConfigFile.parse(F, "key va\u0001lue\n"));
        assertEquals("/etc/x.conf:1: control character in line", e.getMessage());
    }

    @Test
    void valueHelpers() throws ConfigException {
        List<ConfigFile.Entry> e = ConfigFile.parse(F, "a yes\nb off\nc 10M\nd 2k\ne 42\nf maybe\ng 1.5M\nh rel/path\n");
        assertTrue(ConfigFile.bool(e.get(0)));
        assertFalse(ConfigFile.bool(e.get(1)));
        assertEquals(10L << 20, ConfigFile.size(e.get(2)));
        assertEquals(2048, ConfigFile.size(e.get(3)));
        assertEquals(42, ConfigFile.number(e.get(4)));
        assertEquals("/etc/x.conf:6: f: expected yes or no, got 'maybe'",
                assertThrows(ConfigException.class, () -> ConfigFile.bool(e.get(5))).getMessage());
        assertThrows(ConfigException.class, () -> ConfigFile.size(e.get(6)));
        assertThrows(ConfigException.class, () -> ConfigFile.number(e.get(2)));
        assertThrows(ConfigException.class, () -> ConfigFile.absolutePath(e.get(7)));
    }

    @Test
    void readsFilesAndReportsMissingOnes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("c.conf");
        Files.writeString(f, "k v\n");
        assertEquals("v", ConfigFile.read(f).get(0).value());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.read(dir.resolve("none.conf")));
        assertTrue(e.getMessage().endsWith("none.conf: no such file"));
    }
}
