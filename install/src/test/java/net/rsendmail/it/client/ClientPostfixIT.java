package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;
import net.rsendmail.it.PrivatePostfix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A real client-side Postfix (a private instance: own config, queue and data directories) whose
 * default transport is a pipe(8) running {@code sshsendmail --mta=postfix -V ${queue_id} -f
 * ${sender} -- ${recipient}} (README §3): mail submitted to it reaches the relay as one LMTP
 * transaction; with the relay down Postfix defers it (never bounces) and delivers it once the relay
 * is back; a permanent refusal bounces; a channel cut inside the message and a lost
 * acknowledgement are retried by Postfix and delivered exactly once. Needs root.
 */
class ClientPostfixIT {
    World w;
    Path pf;
    Path conf;
    Path queue;

    @BeforeEach
    void start() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "a private Postfix needs root");
        w = new World();
        pf = w.dir.resolve("postfix");
        conf = Files.createDirectories(pf.resolve("conf"));
        queue = Files.createDirectories(pf.resolve("queue"));
        Path data = Files.createDirectories(pf.resolve("data"));
        w.check("chown", "postfix", data.toString());
        // pipe(8) never runs commands as root: the transport's user owns the key
        w.check("chown", "nobody", w.clientKey.toString());
        // and the log file: one it cannot write would defer every message (4.3.5, naming the log line)
        w.check("chown", "nobody", Files2.write(w.dir.resolve("client.log"), "").toString());
        Files2.write(conf.resolve("main.cf"), String.join("\n",
                "compatibility_level = 3.6",
                "queue_directory = " + queue,
                "data_directory = " + data,
                "mail_owner = postfix",
                "setgid_group = postdrop",
                "inet_interfaces = loopback-only",
                "inet_protocols = ipv4",
                "myhostname = client.test",
                "mydomain = client.test",
                "myorigin = client.test",
                "mydestination =",
                "relayhost =",
                "default_transport = sshsendmail",
                "relay_transport = sshsendmail",
                "local_transport = sshsendmail",
                "sshsendmail_destination_recipient_limit = 50",
                "maillog_file = " + pf.resolve("maillog"),
                "maillog_file_prefixes = " + pf,
                "smtputf8_enable = no",
                "alias_maps =",
                "alias_database =",
                "queue_run_delay = 300s",
                "minimal_backoff_time = 300s",
                "") + "\n");
        List<String> services = new ArrayList<>(PrivatePostfix.CORE_SERVICES);
        services.addAll(List.of(
                "# the transport under test (README: Postfix pipe transport)",
                "sshsendmail unix -     n       n       -       -       pipe",
                "  null_sender= user=nobody argv=" + w.sshsendmail() + " --mta=postfix -C " + w.clientConf
                        + " -V ${queue_id} -f ${sender} -- ${recipient}"));
        Files2.write(conf.resolve("master.cf"), String.join("\n", services) + "\n");
        Proc.Result r = w.run(List.of("/usr/sbin/postfix", "-c", conf.toString(), "start"), null, Map.of(),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), () -> r + "\n" + Files2.read(pf.resolve("maillog")));
    }

    @AfterEach
    void stop() {
        if (w != null) {
            if (conf != null) {
                w.run(List.of("/usr/sbin/postfix", "-c", conf.toString(), "stop"), null, Map.of(), Duration.ofSeconds(60));
            }
            w.close();
        }
    }

    Proc.Result submit(byte[] msg, String sender, String... rcpts) {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/sendmail", "-C", conf.toString(), "-oi", "-f", sender, "--"));
        cmd.addAll(List.of(rcpts));
        return w.run(cmd, msg, Map.of(), Duration.ofSeconds(30));
    }

    List<Path> queued() {
        List<Path> out = new ArrayList<>();
        for (String sub : List.of("maildrop", "incoming", "active", "deferred", "hold")) {
            Path d = queue.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.walk(d)) {
                    s.filter(Files::isRegularFile).forEach(out::add);
                } catch (IOException e) {
                    // being changed by Postfix
                }
            }
        }
        return out;
    }

    String maillog() {
        return Files2.read(pf.resolve("maillog"));
    }

    @Test
    void mailReachesTheRelay() {
        byte[] msg = World.message("alice@client.test", "bob@example.org", "through postfix");
        Proc.Result r = submit(msg, "alice@client.test", "bob@example.org", "carol@example.net");
        assertEquals(0, r.exit(), r::toString);
        // Postfix groups recipients by domain: one pipe run per domain
        List<RecordingSendmail.Call> calls = w.awaitCalls(2, Duration.ofSeconds(60));
        List<List<String>> argvs = calls.stream().map(RecordingSendmail.Call::argv).toList();
        assertTrue(argvs.contains(List.of("-oi", "-f", "alice@client.test", "--", "bob@example.org")), argvs.toString());
        assertTrue(argvs.contains(List.of("-oi", "-f", "alice@client.test", "--", "carol@example.net")), argvs.toString());
        String body = new String(msg, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(calls.get(0).text().endsWith(body.substring(body.indexOf("\n\n"))), calls.get(0).text());
        Wait.until(() -> maillog().contains("status=sent"), Duration.ofSeconds(30), this::maillog);
        // each pipe run logs its hand-over to the log file pipe's user owns
        Wait.until(() -> w.clientLog().lines().filter(l -> l.contains("INFO postfix envid=")
                && l.contains("from=<alice@client.test>")).count() == 2, Duration.ofSeconds(30), w::clientLog);
    }

    @Test
    void relayDownIsDeferredNotBouncedAndDeliveredWhenItIsBack() {
        w.stopSshd();
        Proc.Result r = submit(World.message("alice@client.test", "bob@example.org", "deferred"),
                "alice@client.test", "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        Wait.until(() -> maillog().contains("status=deferred"), Duration.ofSeconds(60), this::maillog);
        assertTrue(maillog().contains("4.4.1"), maillog());
        assertTrue(!maillog().contains("status=bounced"), maillog());
        assertEquals(1, queued().size(), queued().toString());
        w.restartSshd();
        w.run(List.of("/usr/sbin/postqueue", "-c", conf.toString(), "-f"), null, Map.of(), Duration.ofSeconds(30));
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(60));
        assertEquals("bob@example.org", calls.get(0).argv().get(4));
        Wait.until(() -> queued().isEmpty(), Duration.ofSeconds(30), () -> queued() + maillog());
    }

    /** Postfix's queue id of the one message in its log (the "postfix/pickup[…]: ID: uid=" line). */
    private String queueId() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("pickup\\[\\d+\\]: ([0-9A-Za-z]+): ").matcher(maillog());
        assertTrue(m.find(), maillog());
        return m.group(1);
    }

    /** Defers once (what {@code cut} does to the relay's channel), then {@code postqueue -f}: sent. */
    private void deferredThenSent() {
        Proc.Result r = submit(World.message("alice@client.test", "bob@example.org", "cut"), "alice@client.test",
                "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        Wait.until(() -> maillog().contains("status=deferred"), Duration.ofSeconds(60),
                () -> maillog() + RelayCuts.relayLog(w));
        assertTrue(maillog().contains("4.4.2"), maillog());
        assertEquals(1, queued().size(), queued().toString());
        w.run(List.of("/usr/sbin/postqueue", "-c", conf.toString(), "-f"), null, Map.of(), Duration.ofSeconds(30));
        Wait.until(() -> maillog().contains("status=sent"), Duration.ofSeconds(60),
                () -> maillog() + RelayCuts.relayLog(w));
        Wait.until(() -> queued().isEmpty(), Duration.ofSeconds(30), () -> queued() + maillog());
        assertTrue(!maillog().contains("status=bounced"), maillog());
    }

    @Test
    void channelCutInsideTheMessageIsRetriedAndDeliveredOnce() {
        RelayCuts.insideData(w);
        deferredThenSent();
        assertEquals(1, w.calls().size(), w.calls()::toString);
        assertEquals("bob@example.org", w.calls().get(0).argv().get(4));
        String relay = RelayCuts.relayLog(w);
        assertEquals(1, relay.lines().filter(l -> l.contains("status=sent")).count(), relay);
    }

    @Test
    void lostAcknowledgementIsRetriedAndNotHandedOverTwice() {
        RelayCuts.afterData(w);
        deferredThenSent();
        assertEquals(1, w.calls().size(), "handed over once only: " + w.calls());
        String relay = RelayCuts.relayLog(w);
        assertEquals(1, relay.lines().filter(l -> l.contains("status=sent")).count(), relay);
        assertEquals(1, relay.lines().filter(l -> l.contains("status=duplicate")).count(), relay);
        // the ENVID is this machine's tag and Postfix's queue id, the same on both tries
        String envid = "envid=postfix.";
        List<String> tries = relay.lines().filter(l -> l.contains(envid)).toList();
        assertEquals(2, tries.size(), relay);
        String id = queueId();
        assertTrue(tries.stream().allMatch(l -> l.contains("." + id + " ")), id + "\n" + relay);
    }

    @Test
    void theNullSenderLeavesAsTheNullSender() {
        Proc.Result r = submit(World.message("alice@client.test", "bob@example.org", "a bounce"), "<>",
                "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(60));
        assertEquals(List.of("-oi", "-f", "<>", "--", "bob@example.org"), calls.get(0).argv());
    }

    @Test
    void policyRefusalBounces() {
        w.relayPolicy("recipients @client.test\n");
        Proc.Result r = submit(World.message("alice@client.test", "bob@example.org", "refused"),
                "alice@client.test", "bob@example.org");
        assertEquals(0, r.exit(), r::toString);
        Wait.until(() -> maillog().contains("status=bounced"), Duration.ofSeconds(60), this::maillog);
        assertTrue(maillog().contains("5.7.1"), maillog());
    }
}
