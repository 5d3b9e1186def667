package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection limits of {@code rsendmail serve} (README: max_sessions, max_sessions_per_key,
 * max_startups, auth_timeout), caused for real with the OpenSSH client and raw TCP connections:
 * a connection over a limit is closed with a log line, the others are served.
 */
class ServeLimitsIT {
    private static final String MESSAGE = "From: alice@example.org\nTo: bob@example.org\nSubject: limits\n\nhello\n";

    @TempDir
    Path dir;

    private ServeProcess serve(String limits) {
        for (String k : List.of("a", "b")) {
            Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve(k).toString());
        }
        Files2.write(dir.resolve("authorized_keys"),
                "restrict,command=\"rsendmail --policy demo\" " + Files2.read(dir.resolve("a.pub"))
                + "restrict,command=\"rsendmail --policy demo\" " + Files2.read(dir.resolve("b.pub")));
        return new ServeProcess(dir, "authorized_keys " + dir.resolve("authorized_keys") + "\n" + limits
                + "\n[policy demo]\nsenders alice@example.org\nrecipients @example.org\n");
    }

    /** A plain send with {@code key}; its result. */
    private Proc.Result send(ServeProcess s, String key) {
        return Proc.run(s.ssh(dir.resolve(key), "-T", "relay@127.0.0.1", "rsendmail", "-f", "alice@example.org", "--",
                "bob@example.org"), MESSAGE.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(60), java.util.Map.of(), dir);
    }

    /** An LMTP session with {@code key} held open (stdin not closed) once its greeting arrived. */
    private Process hold(ServeProcess s, String key) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(s.ssh(dir.resolve(key), "-T", "relay@127.0.0.1", "rsendmail", "--lmtp"));
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.redirectError(dir.resolve("hold-" + key + ".err").toFile());
        Process p = pb.start();
        byte[] greeting = new byte[4];
        int n = p.getInputStream().readNBytes(greeting, 0, 4); // blocks until the session runs; ssh's own timeouts bound it
        assertEquals("220 ", new String(greeting, 0, n, StandardCharsets.US_ASCII),
                () -> "no LMTP greeting: " + Files2.read(dir.resolve("hold-" + key + ".err")));
        return p;
    }

    private static void release(Process p) throws Exception {
        p.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().close();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the held session did not end");
    }

    /** A TCP connection that reads the server's identification and then says nothing. */
    private static Socket silent(ServeProcess s) throws IOException {
        Socket c = new Socket(InetAddress.getLoopbackAddress(), s.port);
        c.setSoTimeout(20_000);
        String banner = line(c.getInputStream());
        assertTrue(banner.startsWith("SSH-2.0-"), banner);
        return c;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n' && b.length() < 256) {
            b.append((char) ch);
        }
        return b.toString();
    }

    /** Reads until the server closes the connection; fails after the socket timeout. */
    private static void awaitClosed(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // whatever the server still sends (its key exchange offer)
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection within 20 s");
        } catch (java.net.SocketException e) {
            // reset: closed too
        }
    }

    @Test
    void aSecondSessionOfOneKeyIsRefusedWhileOtherKeysAreServed() throws Exception {
        try (ServeProcess s = serve("max_sessions_per_key 1")) {
            Process first = hold(s, "a");
            try {
                Proc.Result again = send(s, "a");
                assertTrue(again.exit() != 0, again::toString);
                Wait.until(() -> s.log().contains("max_sessions_per_key (1) reached"), Duration.ofSeconds(10), s::log);
                assertEquals(0, send(s, "b").exit(), "another key is served meanwhile");
            } finally {
                release(first);
            }
            assertEquals(0, send(s, "a").exit(), "the key is served again once its session ended");
            assertEquals(2, s.mta.completed().size());
        }
    }

    @Test
    void aConnectionOverMaxSessionsIsClosed() throws Exception {
        try (ServeProcess s = serve("max_sessions 2")) {
            Process a = hold(s, "a");
            Process b = hold(s, "b");
            try {
                Proc.Result third = send(s, "a");
                assertTrue(third.exit() != 0, third::toString);
                Wait.until(() -> s.log().contains("refused: max_sessions (2) reached"), Duration.ofSeconds(10), s::log);
                assertEquals(0, s.mta.completed().size());
            } finally {
                release(a);
                release(b);
            }
        }
    }

    @Test
    void unauthenticatedConnectionsOverMaxStartupsAreClosedAndTheRestIsServed() throws Exception {
        try (ServeProcess s = serve("max_startups 1")) {
            try (Socket idle = silent(s)) {
                try (Socket over = new Socket(InetAddress.getLoopbackAddress(), s.port)) {
                    over.setSoTimeout(20_000);
                    awaitClosed(over);
                }
                Wait.until(() -> s.log().contains("max_startups (1) unauthenticated connections reached"),
                        Duration.ofSeconds(10), s::log);
                String mine = "session remote=127.0.0.1:" + idle.getLocalPort() + " ";
                idle.close();
                Wait.until(() -> s.log().contains(mine), Duration.ofSeconds(10), s::log); // its slot is free again
            }
            assertEquals(0, send(s, "a").exit(), s::log);
        }
    }

    @Test
    void aConnectionThatDoesNotAuthenticateWithinAuthTimeoutIsClosed() throws Exception {
        try (ServeProcess s = serve("auth_timeout 2")) {
            long start = System.nanoTime();
            try (Socket idle = silent(s)) {
                String mine = "session remote=127.0.0.1:" + idle.getLocalPort() + " ";
                awaitClosed(idle);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms >= 1_500, "closed after " + ms + " ms, before auth_timeout");
                Wait.until(() -> s.log().lines().anyMatch(l -> l.contains(mine)
                        && l.contains("not authenticated within auth_timeout (2s)")), Duration.ofSeconds(10), s::log);
            }
            assertEquals(0, send(s, "b").exit(), s::log);
        }
    }
}
