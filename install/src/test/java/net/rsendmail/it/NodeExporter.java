package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's prometheus-node-exporter on 127.0.0.1 and a free port with only its textfile collector,
 * reading {@code dir}: the real parser of the metrics files the programs write. {@link #samples}
 * scrapes /metrics with a plain HTTP GET. {@link #close} stops it and waits.
 */
public final class NodeExporter implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/prometheus-node-exporter");

    private final Process process;
    private final int port;
    private final Path out;

    public NodeExporter(Path dir, Path scratch) {
        out = scratch.resolve("node-exporter.out");
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            process = new ProcessBuilder(BINARY.toString(), "--web.listen-address=127.0.0.1:" + port,
                    "--collector.disable-defaults", "--collector.textfile", "--collector.textfile.directory=" + dir)
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Wait.until(() -> scrape() != null, Duration.ofSeconds(20), () -> "node_exporter did not start: " + Files2.read(out));
    }

    /** The body of GET /metrics, or null while nothing answers. */
    public String scrape() {
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * The samples of a scrape, {@code name{labels}} to value, as node_exporter serves them (labels
     * sorted by name); fails unless the textfile collector read every file without an error.
     */
    public Map<String, Double> samples() {
        String body = scrape();
        assertTrue(body != null, "node_exporter answers");
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            out.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        assertEquals(0.0, out.get("node_textfile_scrape_error"), "the textfile collector's parse result:\n" + body);
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "node_exporter did not stop on SIGTERM");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
