package net.rsendmail.relay.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.relay.RelayHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once when the state directory is full: the ENVID record is reserved before the hand-over,
 * so a full disk refuses with 451 and hands nothing over, instead of handing over a copy per retry.
 */
class FullStateDirTest {
    @TempDir
    Path dir;
    private Path state;
    private boolean mounted;

    @BeforeEach
    void mount() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        state = dir.resolve("state");
        Files.createDirectory(state);
        assertEquals(0, run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", state.toString()));
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted && run("umount", state.toString()) != 0) {
            run("umount", "-l", state.toString());
        }
    }

    private static int run(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    @Test
    void aFullStateDirRefusesBeforeTheHandOverAndARetryDeliversOnce() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "state_dir " + state + "\n");
        String tx = "LHLO c\r\nMAIL FROM:<a@example.org> ENVID=Q-full-1\r\nRCPT TO:<b@example.net>\r\n"
                + "DATA\r\nSubject: s\r\n\r\nhello\r\n.\r\nQUIT\r\n";
        // The session's own start-up needs the directory; fill it after that, as a full disk would.
        assertEquals(0, relay.run("rsendmail --lmtp", "LHLO c\r\nQUIT\r\n").exit());
        Path filler = state.resolve("filler");
        run("sh", "-c", "cat /dev/zero > " + filler + " 2>/dev/null; true");
        for (int attempt = 0; attempt < 3; attempt++) {
            RelayHarness.Result r = relay.run("rsendmail --lmtp", tx);
            assertTrue(r.out().contains("\r\n451 4.3.0 cannot keep the exactly-once record in " + state
                    + ": No space left on device\r\n"), r.out());
        }
        assertEquals(0, relay.mtaRuns(), "nothing is handed over while the record cannot be kept");
        List<String> log = relay.logLines();
        assertTrue(log.get(log.size() - 1).contains("status=refused 75 4.3.0 cannot keep the exactly-once record"),
                log.toString());

        Files.delete(filler);
        RelayHarness.Result r = relay.run("rsendmail --lmtp", tx);
        assertTrue(r.out().contains("\r\n250 2.0.0 delivered to relay MTA (ENVID Q-full-1)\r\n"), r.out());
        r = relay.run("rsendmail --lmtp", tx);
        assertTrue(r.out().contains("\r\n250 2.0.0 already accepted for ENVID Q-full-1\r\n"), r.out());
        assertEquals(1, relay.mtaRuns(), "three refused attempts and two accepted ones: one copy");
    }
}
