package net.rsendmail.relay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.rsendmail.relay.RelayHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The idle watch in a real relay JVM, as sshd starts it: it counts every byte of input, holds off
 * while the MTA runs, and ends a client that stops reading; peak memory stays bounded under a
 * hostile flood.
 */
class IdleWatchProcessTest {
    private static final String FAST = "idle_timeout 2\nmta_timeout 1\n";

    @TempDir
    Path dir;

    /** Reads everything the relay writes, on its own thread, so that the relay never blocks on us. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream got = new ByteArrayOutputStream();

        Drain(InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (got) {
                        got.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the relay is gone
            }
        }

        String text() {
            synchronized (got) {
                return got.toString(StandardCharsets.UTF_8);
            }
        }

        void awaitText(String part, long ms) throws InterruptedException {
            long end = System.nanoTime() + ms * 1_000_000;
            while (!text().contains(part)) {
                assertTrue(System.nanoTime() < end, "no '" + part + "' in: " + text());
                Thread.sleep(20);
            }
        }
    }

    private static void send(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Test
    void aSlowMessageLongerThanTheIdleTimeoutIsNotCut() throws Exception {
        RelayHarness r = new RelayHarness(dir, FAST);
        Process p = r.start("rsendmail --lmtp", List.of());
        Drain replies = new Drain(p.getInputStream());
        OutputStream out = p.getOutputStream();
        send(out, "LHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n");
        replies.awaitText("354 ", 10_000);
        send(out, "Subject: slow\r\n\r\n");
        for (int i = 0; i < 10; i++) { // 5 s of DATA, a line every half second: longer than the timeout
            Thread.sleep(500);
            send(out, "line " + i + "\r\n");
        }
        r.mtaTakes("0.8"); // and the MTA takes most of its own time
        send(out, ".\r\nQUIT\r\n");
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), replies.text() + r.stderrOf());
        assertTrue(replies.text().contains("250 2.0.0 delivered to relay MTA\r\n221 "), replies.text());
        assertEquals(1, r.mtaRuns());
        assertTrue(new String(r.mtaStdin()).endsWith("line 9\n"));
    }

    @Test
    void aClientThatStopsReadingIsEndedAtTheIdleTimeout() throws Exception {
        RelayHarness r = new RelayHarness(dir, FAST);
        Process p = r.start("rsendmail --lmtp", List.of());
        // Never read the relay's replies: its writes block once the pipe is full.
        Thread flood = new Thread(() -> {
            try {
                OutputStream out = p.getOutputStream();
                send(out, "LHLO c\r\n");
                byte[] noops = "NOOP\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 90; i++) {
                    out.write(noops);
                }
                out.flush();
            } catch (IOException e) {
                // the relay ended
            }
        });
        flood.setDaemon(true);
        flood.start();
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the relay must end by itself");
        assertEquals(75, p.exitValue());
        List<String> log = r.logLines();
        assertTrue(log.get(log.size() - 1).contains("status=idle timeout after 2 s, closing"), log.toString());
    }

    @Test
    void aPlainClientThatSendsNothingIsEndedWithOneLine() throws Exception {
        RelayHarness r = new RelayHarness(dir, FAST);
        Process p = r.start("sendmail b@example.net", List.of());
        send(p.getOutputStream(), "Subject: s\n"); // then silence, with stdin held open
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "the relay must end by itself");
        assertEquals(75, p.exitValue());
        assertEquals("4.4.2 idle timeout: no input for 2 s, nothing handed over\n", r.stderrOf());
        assertTrue(r.logLines().get(0).contains("mode=plain") && r.logLines().get(0).contains("status=refused 75 4.4.2 idle"),
                r.logLines().toString());
        assertEquals(0, r.mtaRuns());
    }

    @Test
    void aHostileFloodStaysInBoundedMemory() throws Exception {
        RelayHarness r = new RelayHarness(dir, "");
        Process p = r.start("rsendmail --lmtp", List.of("-Xmx48m"));
        Drain replies = new Drain(p.getInputStream());
        OutputStream out = p.getOutputStream();
        send(out, "LHLO c\r\n");
        // 64 MiB: over-long lines, control characters, NUL and bare LF, all under the command limit.
        byte[] longLine = ("X".repeat(3000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] controls = "NOOP \u0001\u0000\u001b[2J\nRCPT TO:<x@y>\r\n".getBytes(StandardCharsets.US_ASCII);
        long sent = 0;
        int rounds = 0;
        while (sent < 64L << 20) {
            out.write(longLine);
            out.write(controls);
            sent += longLine.length + controls.length;
            rounds++;
        }
        send(out, "NOOP\r\n");
        replies.awaitText("250 2.0.0 OK\r\n", 120_000);
        long peakKib = peakRssKib(p.pid());
        System.out.println("relay peak RSS after a 64 MiB hostile LMTP session (" + (3 * rounds + 2)
                + " lines, -Xmx48m): " + peakKib / 1024 + " MiB");
        send(out, "QUIT\r\n");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), r.stderrOf());
        String text = replies.text();
        assertEquals(rounds, count(text, "500 5.5.2 line too long\r\n"));
        assertEquals(rounds, count(text, "500 5.5.2 control character in command\r\n"));
        assertEquals(rounds, count(text, "503 5.5.1 MAIL first\r\n"));
        assertTrue(peakKib < 200 * 1024, "peak RSS " + peakKib + " KiB");
    }

    @Test
    void theCommandLimitCountsEveryLine() throws Exception {
        RelayHarness r = new RelayHarness(dir, "");
        Process p = r.start("rsendmail --lmtp", List.of("-Xmx48m"));
        Drain replies = new Drain(p.getInputStream());
        OutputStream out = p.getOutputStream();
        byte[] bad = "\u0001\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; i < 11; i++) {
                out.write(bad);
            }
            out.flush();
        } catch (IOException e) {
            // the relay closed after its 421
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(75, p.exitValue());
        replies.join(5000);
        assertTrue(replies.text().endsWith("421 4.7.0 too many commands, closing\r\n"),
                replies.text().substring(Math.max(0, replies.text().length() - 200)));
        assertTrue(r.logLines().get(r.logLines().size() - 1).contains("too many commands"), r.logLines().toString());
    }

    private static long peakRssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmHWM for " + pid);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
