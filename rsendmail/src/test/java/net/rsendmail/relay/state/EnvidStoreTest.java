package net.rsendmail.relay.state;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvidStoreTest {
    @TempDir
    Path dir;

    @Test
    void committedRecipientsAreAcceptedReservedOnesAreNot() throws Exception {
        EnvidStore store = new EnvidStore(dir, "p");
        try (EnvidStore.Record rec = store.open("Q1")) {
            rec.reserve(List.of("a@example.net", "b@example.net"));
            rec.commit(List.of("a@example.net", "b@example.net"));
        }
        try (EnvidStore.Record rec = store.open("Q1")) {
            assertTrue(rec.accepted("a@example.net") && rec.accepted("b@example.net"));
            rec.reserve(List.of("c@example.net")); // the relay dies while the MTA runs: no commit
        }
        try (EnvidStore.Record rec = store.open("Q1")) {
            assertFalse(rec.accepted("c@example.net"), "a reservation alone is not an acceptance");
            rec.reserve(List.of("c@example.net"));
            rec.release();
            rec.reserve(List.of("+tag@example.net"));
            rec.commit(List.of("+tag@example.net"));
        }
        try (EnvidStore.Record rec = store.open("Q1")) {
            assertFalse(rec.accepted("c@example.net"));
            assertTrue(rec.accepted("+tag@example.net"), "a local part may start with the state byte's characters");
        }
    }

    @Test
    void onlyTheRecipientsTheNextHopTookAreCommitted() throws Exception {
        EnvidStore store = new EnvidStore(dir, "p");
        try (EnvidStore.Record rec = store.open("Q2")) {
            rec.reserve(List.of("a@example.net", "temp@example.net", "gone@example.net"));
            rec.commit(List.of("a@example.net"));
            assertTrue(rec.accepted("a@example.net"));
            assertFalse(rec.accepted("temp@example.net"));
        }
        try (EnvidStore.Record rec = store.open("Q2")) {
            assertTrue(rec.accepted("a@example.net"));
            assertFalse(rec.accepted("temp@example.net"), "refused by the next hop: handed over again on a retry");
            assertFalse(rec.accepted("gone@example.net"));
            rec.reserve(List.of("temp@example.net"));
            rec.commit(List.of("temp@example.net"));
        }
        try (EnvidStore.Record rec = store.open("Q2")) {
            assertTrue(rec.accepted("temp@example.net"), "the retry's acceptance is kept");
            assertFalse(rec.accepted("gone@example.net"));
        }
    }

    @Test
    void oldRecordsArePurged() throws Exception {
        EnvidStore store = new EnvidStore(dir, "p");
        try (EnvidStore.Record rec = store.open("OLD")) {
            rec.reserve(List.of("b@example.net"));
            rec.commit(List.of("b@example.net"));
        }
        Path file = dir.resolve("envid/p").resolve(EnvidStore.name("OLD"));
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(9))));
        store.purgeIfDue(Instant.now());
        assertFalse(Files.exists(file));
        try (EnvidStore.Record rec = store.open("NEW")) {
            rec.reserve(List.of("b@example.net"));
            rec.commit(List.of("b@example.net"));
        }
        store.purgeIfDue(Instant.now().plus(Duration.ofDays(7)));
        assertTrue(Files.exists(dir.resolve("envid/p").resolve(EnvidStore.name("NEW"))), "kept at least 7 days");
    }
}
