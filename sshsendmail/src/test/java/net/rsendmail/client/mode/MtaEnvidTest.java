package net.rsendmail.client.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.rsendmail.smtp.Xtext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MtaEnvidTest {
    static final String TAG = MtaEnvid.machineTag("0123456789abcdef0123456789abcdef", "client");

    @ParameterizedTest
    @ValueSource(strings = {"4BCD12F3A", "4dGhZj1z9Nz1a2b", "1733112000.4242", "a_b-c.d", "Z"})
    void queueIdsBecomeTheirOwnXtext(String id) {
        String envid = MtaEnvid.of("postfix", TAG, id);
        assertEquals("postfix." + TAG + "." + id, envid);
        assertEquals(envid, Xtext.encode(envid), "nothing to escape");
        assertTrue(envid.length() <= 100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "4BC D12", "4BC+2B", "id=1", "a\nb", "a\rb", "a\u0000b", "a\u007fb", "-V", ".hidden",
        "../../etc/passwd", "a/b", "ünïcode", "a;rm -rf", "$(id)", "<x>", "a\tb", "x\u2028y"})
    void hostileIdsAreRefused(String id) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MtaEnvid.of("postfix", TAG, id));
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void nullIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MtaEnvid.of("postfix", TAG, null));
    }

    @Test
    void anEnvidHasAtMost100Characters() {
        String room = "x".repeat(100 - ("postfix." + TAG + ".").length());
        assertEquals(100, MtaEnvid.of("postfix", TAG, room).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MtaEnvid.of("postfix", TAG, room + "x"));
        assertTrue(e.getMessage().contains("RFC 3461"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MtaEnvid.of("postfix", TAG, "x".repeat(10_000)));
    }

    @Test
    void theTagIsStablePerMachineAndDiffersAcrossMachines() {
        assertEquals(16, TAG.length());
        assertTrue(TAG.matches("[0-9a-f]{16}"));
        assertEquals(TAG, MtaEnvid.machineTag("0123456789abcdef0123456789abcdef\n", "other-name"),
                "the machine-id decides, not the host name");
        assertNotEquals(TAG, MtaEnvid.machineTag("fedcba9876543210fedcba9876543210", "client"));
        assertNotEquals(TAG, MtaEnvid.machineTag("", "client"), "no machine-id: the host name");
        assertEquals(MtaEnvid.machineTag("", "client"), MtaEnvid.machineTag("  \n", "client\n"));
        assertNotEquals(MtaEnvid.machineTag("", "a"), MtaEnvid.machineTag("", "b"));
        assertTrue(!TAG.contains("0123456789abcdef"), "the machine-id itself is not shown");
        assertEquals(MtaEnvid.machineTag(), MtaEnvid.machineTag());
    }

    @Test
    void nullmailerQueueFilesHaveAnIdPipesDoNot() {
        assertEquals("1733112000.4242", MtaEnvid.queueFileName("/var/spool/nullmailer/queue/1733112000.4242"));
        assertNull(MtaEnvid.queueFileName("pipe:[123456]"));
        assertNull(MtaEnvid.queueFileName("socket:[9]"));
        assertNull(MtaEnvid.queueFileName("/tmp/message"));
        assertNull(MtaEnvid.queueFileName("/queue"));
        assertNull(MtaEnvid.queueFileName("/var/spool/nullmailer/failed/1733112000.4242"));
    }

    @Test
    void nullmailerIdThroughASymlinkAsInProc(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(Files.createDirectories(dir.resolve("queue")).resolve("1733112000.77"), "x");
        Path fd = Files.createSymbolicLink(dir.resolve("3"), file);
        assertEquals("1733112000.77", MtaEnvid.nullmailerId(fd));
        assertNull(MtaEnvid.nullmailerId(dir.resolve("missing")));
        assertNull(MtaEnvid.nullmailerId(file), "not a link");
    }
}
