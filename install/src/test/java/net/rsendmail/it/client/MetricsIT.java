package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.rsendmail.it.Files2;
import net.rsendmail.it.NodeExporter;
import net.rsendmail.it.Proc;
import net.rsendmail.it.ServeProcess;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Operations: the metrics files of sshsendmail's queue runs and of rsendmail serve, read by
 * Debian's node_exporter textfile collector (the real parser, scraped over HTTP), and
 * {@code sshsendmail -bp --json}, read by python3's json module.
 */
class MetricsIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";
    /** python3: each line a JSON object; prints its postqueue -j fields, one message per line. */
    static final String READ_JSON = "import json, sys\n"
            + "for line in sys.stdin:\n"
            + "    o = json.loads(line)\n"
            + "    rcpts = ' '.join(r['address'] + '|' + r.get('delay_reason', '')[:5] for r in o['recipients'])\n"
            + "    print(o['queue_name'], o['queue_id'], o['arrival_time'] > 0, o['message_size'], o['forced_expire'],\n"
            + "          o['sender'], rcpts)\n";

    @AutoClose
    final World w = new World();

    Path textfiles() throws IOException {
        return Files.createDirectories(w.dir.resolve("textfile"));
    }

    @Test
    void queueRunsWriteTheirTotalsAndNodeExporterReadsThem() throws Exception {
        assumeTrue(Files.isExecutable(NodeExporter.BINARY), "needs prometheus-node-exporter");
        Path dir = textfiles();
        Path prom = dir.resolve("sshsendmail.prom");
        w.clientConfig("background no\nmetrics_file " + prom + "\n");
        w.enqueue(ALICE, "one", BOB);
        w.enqueue(ALICE, "two", BOB);
        assertEquals(0, w.sshsendmail(null, "-q").exit());
        long delivered = Instant.now().getEpochSecond();

        try (NodeExporter exporter = new NodeExporter(dir, w.dir)) {
            Map<String, Double> m = exporter.samples();
            assertEquals(2.0, m.get("sshsendmail_delivered_messages_total"));
            assertEquals(0.0, m.get("sshsendmail_deferred_attempts_total"));
            assertEquals(0.0, m.get("sshsendmail_bounced_messages_total"));
            assertEquals(0.0, m.get("sshsendmail_queue_messages"));
            assertEquals(0.0, m.get("sshsendmail_queue_oldest_message_age_seconds"));
            double last = m.get("sshsendmail_last_delivery_timestamp_seconds");
            assertTrue(Math.abs(last - delivered) < 60, "last delivery " + last + ", about " + delivered);

            // the relay's MTA fails for now: the next run defers; its totals add to those in the file
            w.stubExit(75);
            w.enqueue(ALICE, "three", BOB);
            assertEquals(75, w.sshsendmail(null, "-q").exit());
            m = exporter.samples();
            assertEquals(2.0, m.get("sshsendmail_delivered_messages_total"));
            assertEquals(1.0, m.get("sshsendmail_deferred_attempts_total"));
            assertEquals(1.0, m.get("sshsendmail_queue_messages"));
            assertEquals(0.0, m.get("sshsendmail_failed_messages"));
            assertTrue(m.get("sshsendmail_queue_oldest_message_age_seconds") < 60);
            assertEquals(last, m.get("sshsendmail_last_delivery_timestamp_seconds"));
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(prom)));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(prom), s.toList(), "only the file itself: no temporary file left");
        }

        Proc.Result json = w.sshsendmail(null, "-bp", "--json");
        assertEquals(0, json.exit(), json::toString);
        assertEquals(1, json.out().lines().count(), json.out());
        Proc.Result read = w.run(List.of("python3", "-c", READ_JSON), json.stdout(), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, read.exit(), read::toString);
        Matcher id = Pattern.compile("(?m)^(\\S{39}) +queued ").matcher(w.sshsendmail(null, "-bp").out());
        assertTrue(id.find());
        Matcher line = Pattern.compile("deferred (\\S+) True (\\d+) False " + Pattern.quote(ALICE) + " "
                + Pattern.quote(BOB) + "\\|4\\.\\d\\.\\d\n").matcher(read.out());
        assertTrue(line.matches(), read.out());
        assertEquals(id.group(1), line.group(1));
    }

    @Test
    void theDaemonWritesTheFileAfterItsRuns() throws Exception {
        assumeTrue(Files.isExecutable(NodeExporter.BINARY), "needs prometheus-node-exporter");
        Path dir = textfiles();
        w.clientConfig("background no\nmetrics_file " + dir.resolve("sshsendmail.prom") + "\n");
        Process daemon = w.startDaemon();
        try (NodeExporter exporter = new NodeExporter(dir, w.dir)) {
            w.enqueue(ALICE, "to the daemon", BOB);
            net.rsendmail.it.Wait.until(() -> {
                Map<String, Double> m = exporter.samples();
                return Double.valueOf(1.0).equals(m.get("sshsendmail_delivered_messages_total"))
                        && Double.valueOf(0.0).equals(m.get("sshsendmail_queue_messages"));
            }, Duration.ofSeconds(30), () -> exporter.scrape() + "\n" + w.clientLog());
        } finally {
            daemon.destroy();
            assertTrue(daemon.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "daemon stops on SIGTERM");
        }
        assertEquals(0, daemon.exitValue());
    }

    @Test
    void serveCountsSessionsMessagesAndRefusals() throws Exception {
        assumeTrue(Files.isExecutable(NodeExporter.BINARY), "needs prometheus-node-exporter");
        Path dir = textfiles();
        Path s = w.dir.resolve("serve");
        Files.createDirectories(s);
        Proc.check(w.dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", s.resolve("laptop").toString());
        Files2.write(s.resolve("authorized_keys"),
                "restrict,command=\"rsendmail --policy demo\" " + Files2.read(s.resolve("laptop.pub")));
        try (ServeProcess serve = new ServeProcess(s, "authorized_keys " + s.resolve("authorized_keys")
                + "\nmetrics_file " + dir.resolve("rsendmail-serve.prom")
                + "\n[policy demo]\nsenders alice@example.org\nrecipients @example.org\n");
             NodeExporter exporter = new NodeExporter(dir, w.dir)) {
            Map<String, Double> m = exporter.samples();
            assertEquals(0.0, m.get("rsendmail_serve_sessions_open"), "written at start");
            byte[] mail = "From: alice@example.org\nSubject: m\n\nhi\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Path key = s.resolve("laptop");
            assertEquals(0, w.run(serve.ssh(key, "-T", "relay@127.0.0.1", "rsendmail -f alice@example.org -- bob@example.org"), mail,
                    Map.of(), Duration.ofSeconds(60)).exit());
            assertEquals(77, w.run(serve.ssh(key, "-T", "relay@127.0.0.1", "rsendmail -f alice@example.org -- eve@other.test"), mail,
                    Map.of(), Duration.ofSeconds(60)).exit());
            assertEquals(64, w.run(serve.ssh(key, "-T", "relay@127.0.0.1", "rsendmail -X"), mail, Map.of(),
                    Duration.ofSeconds(60)).exit());
            assertEquals(1, serve.mta.completed().size());
            // written as each connection closes: the last one may close just after the client's exit
            net.rsendmail.it.Wait.until(() -> Double.valueOf(3.0).equals(
                    exporter.samples().get("rsendmail_serve_sessions_total{result=\"authenticated\"}")),
                    Duration.ofSeconds(10), () -> exporter.scrape());
            m = exporter.samples();
            assertEquals(0.0, m.get("rsendmail_serve_sessions_open"));
            assertEquals(0.0, m.get("rsendmail_serve_sessions_total{result=\"not_authenticated\"}"));
            assertEquals(1.0, m.get("rsendmail_serve_messages_total{status=\"sent\"}"));
            assertEquals(0.0, m.get("rsendmail_serve_messages_total{status=\"duplicate\"}"));
            assertEquals(1.0, m.get("rsendmail_serve_refusals_total{exit=\"77\",status=\"5.7.1\"}"), m.toString());
            assertEquals(1.0, m.get("rsendmail_serve_refusals_total{exit=\"64\",status=\"5.5.4\"}"), m.toString());
        }
    }
}
