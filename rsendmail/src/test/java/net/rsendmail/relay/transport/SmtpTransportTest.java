package net.rsendmail.relay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import net.rsendmail.config.HostPort;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.spool.Spool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SmtpTransport} against a scripted SMTP server over implicit TLS on 127.0.0.1 (its key made
 * by the JDK's keytool): the XOAUTH2 AUTH line (no Debian server speaks XOAUTH2 without an OAuth
 * provider), the MAIL and RCPT parameters, the message bytes as received, each recipient's own
 * reply, one connection for two messages, and a new one after the far side dropped it. Postfix
 * covers the rest in SmarthostIT.
 */
class SmtpTransportTest {
    @TempDir
    Path dir;
    ScriptedServer server;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedServer(dir);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private SmtpTransport transport(Optional<SmtpSettings.SmtpAuth> auth) {
        return new SmtpTransport(new SmtpSettings(new HostPort("127.0.0.1", server.port()), true,
                SmtpSettings.TlsMode.ENCRYPT, Optional.empty(), Optional.empty(), Optional.empty(), auth,
                Optional.of("relay.test"), Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5),
                Optional.empty(), InetProtocols.ALL));
    }

    private Spool spool(String text) throws Exception {
        return Spool.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), 1 << 20, dir);
    }

    @Test
    void xoauth2SendsTheBearerTokenAndEachRecipientGetsItsOwnReply() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "ya29.token-value\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String msg = "From: <a@example.org>\nTo: <b@example.net>\nMessage-ID: <m1@example.org>\nSubject: x\n\n.dot\nend\n";
        try (SmtpTransport t = transport(Optional.of(new SmtpSettings.SmtpAuth(SmtpSettings.Mechanism.XOAUTH2,
                "a@example.org", new SmtpSettings.Secret.File(token))));
                Spool s = spool(msg)) {
            List<RecipientReply> r = t.deliver(new Envelope("a@example.org",
                    List.of("b@example.net", "no@example.net", "later@example.net"), "Q1+x", "HDRS", "FAILURE,DELAY", false,
                    Map.of("b@example.net", new Envelope.RecipientDsn("SUCCESS,FAILURE", "rfc822;Bob+2Bx@example.net"),
                            "later@example.net", new Envelope.RecipientDsn(null, "rfc822;later@example.net"))),
                    s, List.of());
            assertEquals(3, r.size());
            RecipientReply.Accepted ok = assertInstanceOf(RecipientReply.Accepted.class, r.get(0));
            assertEquals("250 2.0.0 smtps://127.0.0.1:" + server.port() + " said: queued as ABC", ok.reply().line());
            RecipientReply.Failed no = assertInstanceOf(RecipientReply.Failed.class, r.get(1));
            assertEquals("550 5.1.1 smtps://127.0.0.1:" + server.port() + " said: no such user", no.reply().line());
            RecipientReply.Failed later = assertInstanceOf(RecipientReply.Failed.class, r.get(2));
            assertTrue(later.temporary());
            assertEquals(451, later.reply().code());
            assertEquals("4.3.0", later.reply().status());

            // the second message takes the same connection
            try (Spool s2 = spool("Subject: two\n\nGr\u00fc\u00dfe, 8-bit\n")) {
                List<RecipientReply> r2 = t.deliver(Envelope.of("", List.of("b@example.net")), s2, List.of());
                assertInstanceOf(RecipientReply.Accepted.class, r2.get(0));
            }
        }
        server.awaitDone();
        List<String> lines = server.lines();
        String auth = lines.stream().filter(l -> l.startsWith("AUTH ")).findFirst().orElseThrow();
        assertEquals("AUTH XOAUTH2 " + Base64.getEncoder().encodeToString(
                "user=a@example.org\u0001auth=Bearer ya29.token-value\u0001\u0001".getBytes(StandardCharsets.US_ASCII)),
                auth, "RFC 7628-style XOAUTH2 initial response");
        assertEquals(1, lines.stream().filter(l -> l.startsWith("EHLO relay.test")).count(), "one connection: " + lines);
        assertFalse(lines.contains("NOOP"), "a connection used a moment ago is not checked first: " + lines);
        assertTrue(lines.contains("MAIL FROM:<a@example.org> RET=HDRS ENVID=Q1+2Bx"), lines::toString);
        assertTrue(lines.contains("RCPT TO:<no@example.net> NOTIFY=FAILURE,DELAY"), lines::toString);
        assertTrue(lines.contains("RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Bob+2Bx@example.net"),
                "each recipient's own NOTIFY and ORCPT (RFC 3461 §4.1, §4.2): " + lines);
        assertTrue(lines.contains("RCPT TO:<later@example.net> NOTIFY=FAILURE,DELAY ORCPT=rfc822;later@example.net"),
                lines::toString);
        assertTrue(lines.contains("MAIL FROM:<> BODY=8BITMIME"), "the null sender, an 8-bit body (RFC 6152): " + lines);
        assertEquals(msg.replace("\n", "\r\n").replace("\r\n.dot", "\r\n..dot"), server.data().get(0),
                "the bytes as received, only CRLF and dot-stuffing added");
        assertTrue(lines.contains("QUIT"), "closed with QUIT: " + lines);
    }

    @Test
    void aDroppedConnectionIsMadeAgainAndAnUnreachableOneIsTemporary() throws Exception {
        server.dropAfterMessage = true;
        try (SmtpTransport t = transport(Optional.empty()); Spool s = spool("Subject: one\n\nx\n");
                Spool s2 = spool("Subject: two\n\ny\n")) {
            assertInstanceOf(RecipientReply.Accepted.class,
                    t.deliver(Envelope.of("a@example.org", List.of("b@example.net")), s, List.of()).get(0));
            server.awaitConnections(1);
            assertInstanceOf(RecipientReply.Accepted.class,
                    t.deliver(Envelope.of("a@example.org", List.of("b@example.net")), s2, List.of()).get(0));
        }
        assertEquals(2, server.lines().stream().filter(l -> l.startsWith("EHLO")).count(), server.lines()::toString);
        assertEquals(List.of("Subject: one\r\n\r\nx\r\n", "Subject: two\r\n\r\ny\r\n"), server.data(),
                "the second message, sent once more over the new connection after MAIL met the closed one");
        server.close();
        try (SmtpTransport t = transport(Optional.empty()); Spool s = spool("Subject: three\n\nz\n")) {
            Refusal r = assertThrows(Refusal.class,
                    () -> t.deliver(Envelope.of("a@example.org", List.of("b@example.net")), s, List.of()));
            assertTrue(r.isTemporary(), r.line());
            assertTrue(r.line().startsWith("4.4.1 cannot connect to smtps://127.0.0.1:"), r.line());
        }
    }

    @Test
    void aConnectionIdleForAWhileIsCheckedWithNoopFirst() throws Exception {
        try (SmtpTransport t = transport(Optional.empty()); Spool s = spool("Subject: one\n\nx\n");
                Spool s2 = spool("Subject: two\n\ny\n")) {
            assertInstanceOf(RecipientReply.Accepted.class,
                    t.deliver(Envelope.of("a@example.org", List.of("b@example.net")), s, List.of()).get(0));
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(SmtpTransport.UNCHECKED_REUSE) + 200);
            assertInstanceOf(RecipientReply.Accepted.class,
                    t.deliver(Envelope.of("a@example.org", List.of("b@example.net")), s2, List.of()).get(0));
        }
        List<String> lines = server.lines();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("EHLO")).count(), lines::toString);
        assertEquals(List.of("NOOP", "MAIL FROM:<a@example.org>"),
                lines.subList(lines.lastIndexOf("NOOP"), lines.lastIndexOf("NOOP") + 2), lines::toString);
    }

    /** A minimal SMTP server over TLS that answers from a script and records what it was told. */
    static final class ScriptedServer implements AutoCloseable {
        final SSLServerSocket socket;
        final Thread thread;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        final List<String> data = Collections.synchronizedList(new ArrayList<>());
        volatile boolean dropAfterMessage;
        volatile int connectionsDone;

        ScriptedServer(Path dir) throws Exception {
            Path ks = dir.resolve("server.p12");
            Path keytool = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("keytool");
            Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keystore", ks.toString(), "-storetype",
                    "PKCS12", "-storepass", "changeit", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "s",
                    "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1", "-validity", "1")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool failed");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                store.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, "changeit".toCharArray());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            socket = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 5,
                    InetAddress.getByName("127.0.0.1"));
            thread = new Thread(this::serve, "scripted-smtp");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        List<String> data() {
            synchronized (data) {
                return List.copyOf(data);
            }
        }

        private void serve() {
            while (!socket.isClosed()) {
                try (Socket c = socket.accept()) {
                    c.setSoTimeout(10_000);
                    session(c);
                } catch (IOException e) {
                    // closed, or the client went away: next connection
                }
                connectionsDone++;
            }
        }

        private void session(Socket c) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = c.getOutputStream();
            say(out, "220 scripted ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                switch (verb) {
                    case "EHLO": say(out, "250-scripted\r\n250-AUTH XOAUTH2\r\n250-8BITMIME\r\n250 DSN"); break;
                    case "AUTH": say(out, "235 2.7.0 accepted"); break;
                    case "MAIL": say(out, "250 2.1.0 ok"); break;
                    case "RCPT":
                        if (line.contains("<no@")) {
                            say(out, "550 5.1.1 no such user");
                        } else if (line.contains("<later@")) {
                            say(out, "451 4.3.0 try later");
                        } else {
                            say(out, "250 2.1.5 ok");
                        }
                        break;
                    case "DATA": {
                        say(out, "354 go on");
                        StringBuilder b = new StringBuilder();
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            b.append(l).append("\r\n");
                        }
                        data.add(b.toString());
                        say(out, "250 2.0.0 queued as ABC");
                        if (dropAfterMessage) {
                            return;
                        }
                        break;
                    }
                    case "QUIT": say(out, "221 2.0.0 bye"); return;
                    default: say(out, "250 2.0.0 ok"); break; // NOOP, RSET
                }
            }
        }

        private static void say(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        void awaitConnections(int n) throws InterruptedException {
            for (int i = 0; i < 500 && connectionsDone < n; i++) {
                Thread.sleep(10);
            }
        }

        /** Waits (bounded) for the client's QUIT to be recorded. */
        void awaitDone() throws InterruptedException {
            for (int i = 0; i < 500 && !lines().contains("QUIT"); i++) {
                Thread.sleep(10);
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
            thread.join(10_000);
        }
    }
}
