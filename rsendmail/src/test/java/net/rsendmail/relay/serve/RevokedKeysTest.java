package net.rsendmail.relay.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RevokedKeysTest {
    private static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO4suykjxzUK4aVt/4XWCvnoZx4A05xKKfBaMO/0gjvx k1";

    @TempDir
    Path dir;

    @Test
    void keysSerialsRangesCommentsAndBlankLines() {
        RevokedKeys.Entries e = RevokedKeys.parse(List.of("# revoked", "", "  " + ED25519, "serial 0",
                "serial 10-20", "serial 18446744073709551615", "\tserial  5 "));
        assertEquals(1, e.keys().size());
        assertEquals(4, e.serials().size());
        assertNull(e.broken());
        RevokedKeys.Serials range = e.serials().get(1);
        assertTrue(range.contains(10) && range.contains(20) && !range.contains(21) && !range.contains(9));
        assertTrue(e.serials().get(2).contains(-1L)); // 2^64-1, unsigned
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '\0', value = {
        "serial~                          expected 'serial N'",
        "serial 1 2~                      expected 'serial N'",
        "serial -1~                       expected a decimal number",
        "serial 0x10~                     expected a decimal number",
        "serial 18446744073709551616~     above 2^64-1",
        "serial 99999999999999999999~     above 2^64-1",
        "serial 20-10~                    ends before it starts",
        "serial 10-~                      expected a decimal number",
        "serial 1-2-3~                    expected a decimal number",
        "ssh-ed25519 AAAAnotbase64!!~     not a public key",
        "ssh-ed25519~                     not a public key",
        "restrict " + ED25519 + "~        expected a public key or 'serial N'",
        "SERIAL 1~                        expected a public key or 'serial N'",
    })
    void badLinesNameTheirNumber(String line, String message) {
        RevokedKeys.BadLine b = assertThrows(RevokedKeys.BadLine.class,
                () -> RevokedKeys.parse(List.of("# first", line.strip())));
        assertEquals(2, b.line);
        assertTrue(b.getMessage().contains(message.strip()), b.getMessage());
    }

    @Test
    void hostileTextIsCutAndEscaped() {
        RevokedKeys.BadLine b = assertThrows(RevokedKeys.BadLine.class,
                () -> RevokedKeys.parse(List.of("\u001b[2J" + "x".repeat(10000))));
        assertFalse(b.getMessage().contains("\u001b"), b.getMessage());
        assertTrue(b.getMessage().length() < 200, b.getMessage());
    }

    @Test
    void serveDoesNotStartOnABadOrMissingFile() throws Exception {
        Path f = Files.writeString(dir.resolve("revoked"), "serial 1\nserial one\n");
        ConfigException e = assertThrows(ConfigException.class, () -> RevokedKeys.check(f));
        assertTrue(e.getMessage().startsWith(f + ":2: serial: expected a decimal number"), e.getMessage());
        assertThrows(ConfigException.class, () -> RevokedKeys.check(dir.resolve("missing")));
        RevokedKeys.check(Files.writeString(dir.resolve("ok"), ED25519 + "\n"));
    }

    @Test
    void anUnreadableFileRefusesEveryLoginAndIsReadAgainWhenBack() throws Exception {
        List<String> log = new ArrayList<>();
        Path f = dir.resolve("revoked");
        RevokedKeys r = RevokedKeys.of(f, log::add);
        java.security.PublicKey key = KeyLine.publicKey(ED25519);
        assertTrue(r.refusal(key).contains("every login is refused"));
        assertTrue(log.get(0).contains("revoked_keys " + f + ": "), log.toString());
        Files.writeString(f, "serial 3\n");
        assertNull(r.refusal(key));
        Files.writeString(f, ED25519 + "\n");
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(0));
        assertTrue(r.refusal(key).startsWith("key SHA256:"), r.refusal(key));
        assertNull(RevokedKeys.of(null, log::add).refusal(key));
    }
}
