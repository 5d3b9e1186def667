package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayModesTest {
    @TempDir
    Path dir;

    @Test
    void remembersAcrossInstancesThroughTheFile() throws IOException {
        Path f = dir.resolve(RelayModes.FILE);
        RelayModes a = new RelayModes(f);
        assertNull(a.get("mail@relay.example"));
        a.remember("mail@relay.example", RelayModes.Mode.PLAIN);
        a.remember("mail@other.example:2222", RelayModes.Mode.LMTP);
        assertEquals(RelayModes.Mode.PLAIN, a.get("mail@relay.example"));
        assertTrue(Files.readString(f).contains("mail@relay.example plain "), Files.readString(f));
        RelayModes b = new RelayModes(f);
        assertEquals(RelayModes.Mode.PLAIN, b.get("mail@relay.example"));
        assertEquals(RelayModes.Mode.LMTP, b.get("mail@other.example:2222"));
    }

    @Test
    void expiredAndDamagedEntriesAreForgotten() throws IOException {
        Path f = dir.resolve(RelayModes.FILE);
        long past = Instant.now().minusSeconds(10).getEpochSecond();
        long future = Instant.now().plusSeconds(3600).getEpochSecond();
        Files.writeString(f, "# comment\nmail@old.example plain " + past + "\nmail@bad.example weird " + future
                + "\ngarbage\nmail@ok.example lmtp " + future + "\n");
        RelayModes m = new RelayModes(f);
        assertNull(m.get("mail@old.example"));
        assertNull(m.get("mail@bad.example"));
        assertEquals(RelayModes.Mode.LMTP, m.get("mail@ok.example"));
    }

    @Test
    void inMemoryOnlyWithoutAFile() {
        RelayModes m = new RelayModes(null);
        m.remember("mail@relay.example", RelayModes.Mode.PLAIN);
        assertEquals(RelayModes.Mode.PLAIN, m.get("mail@relay.example"));
    }
}
