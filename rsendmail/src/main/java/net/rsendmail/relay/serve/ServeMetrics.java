package net.rsendmail.relay.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import net.rsendmail.metrics.Textfile;
import net.rsendmail.metrics.Textfile.Family;
import net.rsendmail.metrics.Textfile.Sample;
import net.rsendmail.metrics.Textfile.Type;
import net.rsendmail.relay.log.RequestCounts;

/**
 * {@code metrics_file} of serve: connections, messages and refusals as a Prometheus textfile,
 * written at start and after each connection closes. The counters are this process's (a restart
 * starts them at 0, which Prometheus reads as a counter reset). A file that cannot be written is
 * logged; the relay goes on.
 */
final class ServeMetrics {
    private final Path file;
    private final Consumer<String> warn;
    private long authenticated;
    private long unauthenticated;

    ServeMetrics(Path file, Consumer<String> warn) {
        this.file = file;
        this.warn = warn;
    }

    /** One connection ended; {@code open} are still open. */
    synchronized void closed(boolean wasAuthenticated, int open) {
        if (wasAuthenticated) {
            authenticated++;
        } else {
            unauthenticated++;
        }
        write(open);
    }

    synchronized void write(int open) {
        if (file == null) {
            return;
        }
        try {
            Textfile.write(file, families(open, authenticated, unauthenticated, RequestCounts.snapshot()));
        } catch (IOException | RuntimeException e) {
            warn.accept("cannot write metrics_file " + file + ": " + e.getMessage());
        }
    }

    static List<Family> families(int open, long authenticated, long unauthenticated, RequestCounts.Snapshot r) {
        List<Sample> refusals = new ArrayList<>();
        r.refusals().forEach((kind, n) -> {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("exit", kind.exit());
            labels.put("status", kind.status());
            refusals.add(new Sample(labels, n));
        });
        return List.of(
                Family.of("rsendmail_serve_sessions_open", "SSH connections open now.", Type.GAUGE, open),
                new Family("rsendmail_serve_sessions_total", "SSH connections closed, by whether they authenticated.",
                        Type.COUNTER, List.of(new Sample(Map.of("result", "authenticated"), authenticated),
                                new Sample(Map.of("result", "not_authenticated"), unauthenticated))),
                new Family("rsendmail_serve_messages_total",
                        "Messages handed to the MTA (sent) and ENVID retries answered without a second hand-over.",
                        Type.COUNTER, List.of(new Sample(Map.of("status", "sent"), r.sent()),
                                new Sample(Map.of("status", "duplicate"), r.duplicate()))),
                new Family("rsendmail_serve_refusals_total", "Requests refused, by exit code and RFC 3463 status.",
                        Type.COUNTER, refusals),
                Family.of("rsendmail_serve_failures_total",
                        "Other failed requests: a transaction cut in DATA, an LMTP session ended early.", Type.COUNTER,
                        r.failed()));
    }
}
