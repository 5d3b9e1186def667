package net.rsendmail.relay.lmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import net.rsendmail.lmtp.LmtpClient;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.relay.Relay;
import net.rsendmail.relay.RelayHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's LMTP client against the relay's LMTP session, connected by pipes. */
class LmtpClientRelayTest {

    @Test
    void manyMessagesOneSessionWithPerRecipientResults(@TempDir Path dir) throws Exception {
        RelayHarness relay = new RelayHarness(dir, "default_policy p\n[policy p]\nrecipients @example.net\n");
        PipedOutputStream toRelay = new PipedOutputStream();
        PipedInputStream relayIn = new PipedInputStream(toRelay, 1 << 16);
        PipedInputStream fromRelay = new PipedInputStream(1 << 16);
        PipedOutputStream relayOut = new PipedOutputStream(fromRelay);
        AtomicInteger exit = new AtomicInteger(-1);
        Thread server = new Thread(() -> {
            PrintStream out = new PrintStream(relayOut, false, StandardCharsets.UTF_8);
            exit.set(new Relay(out, new PrintStream(new ByteArrayOutputStream()))
                    .run(new String[] {"--config", relay.configPath().toString()}, "rsendmail --lmtp", relayIn));
            out.close();
        });
        server.start();

        LmtpClient client = new LmtpClient(fromRelay, toRelay);
        Set<String> caps = client.start("sender.example");
        assertTrue(caps.containsAll(Set.of("PIPELINING", "ENHANCEDSTATUSCODES", "DSN", "SIZE", "8BITMIME")), caps.toString());

        byte[] body = "Subject: one\n\n.leading dot\nline\n".getBytes(StandardCharsets.UTF_8);
        List<Reply> r = client.send(new Transaction("a@example.org", List.of("b@example.net", "x@other.org"), "Q1", body.length),
                new ByteArrayInputStream(body));
        assertEquals(2, r.size());
        assertEquals(250, r.get(0).code());
        assertEquals(550, r.get(1).code());
        assertEquals("5.7.1", r.get(1).status());
        assertArrayEquals("Subject: one\n\n.leading dot\nline\n".getBytes(StandardCharsets.UTF_8), relay.mtaStdin());

        // Every recipient refused: DATA is refused, each keeps its own reason.
        r = client.send(new Transaction("a@example.org", List.of("y@other.org"), "Q2", 3), new ByteArrayInputStream("x\n".getBytes()));
        assertEquals(550, r.get(0).code());

        // No final newline: the client ends the line before the dot.
        for (int i = 0; i < 20; i++) {
            r = client.send(new Transaction("", List.of("c@example.net"), "B" + i, 5), new ByteArrayInputStream("tail".getBytes()));
            assertEquals(250, r.get(0).code(), r.toString());
        }
        assertArrayEquals("tail\n".getBytes(StandardCharsets.UTF_8), relay.mtaStdin());
        assertEquals(List.of("-oi", "-f", "<>", "--", "c@example.net"), relay.mtaArgv());
        // Replaying an ENVID already accepted: 250, no second hand-over.
        int runs = relay.mtaRuns();
        r = client.send(new Transaction("", List.of("c@example.net"), "B3", 5), new ByteArrayInputStream("tail".getBytes()));
        assertEquals(250, r.get(0).code());
        assertEquals(runs, relay.mtaRuns());
        client.quit();
        server.join(10_000);
        assertEquals(0, exit.get());
        assertEquals(21, relay.mtaRuns(), "1 + 20 hand-overs; the replay added none");
    }
}
