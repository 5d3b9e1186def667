package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Debian's knotd as an authoritative server on 127.0.0.x and a free port, in a directory of the
 * test, for zones the test writes: each either signed by knot itself ({@code dnssec-signing: on},
 * keys made at load) or served as written (unsigned, or records signed elsewhere). {@link #trustAnchor}
 * is the DS of the signed zones ({@code keymgr ZONE ds}), in the form DnsSettings reads.
 * {@link #close} stops knotd with SIGTERM and waits for it.
 */
public final class PrivateKnot implements AutoCloseable {
    public static final String KNOTD = "/usr/sbin/knotd";
    public static final String KEYMGR = "/usr/sbin/keymgr";
    public static final String KDIG = "/usr/bin/kdig";

    /**
     * One zone: its name and zone-file lines (relative names allowed). SIGNED and UNSIGNED get a SOA
     * and NS first and are signed by knot or not; AS_IS is served exactly as given (e.g. a
     * {@link #transfer} of a signed zone with a record changed after signing).
     */
    public record Zone(String name, String records, Kind kind) {
        public enum Kind { SIGNED, UNSIGNED, AS_IS }

        public boolean signed() {
            return kind == Kind.SIGNED;
        }
    }

    public final Path dir;
    public final String address;
    public final int port;
    public final Path trustAnchor;
    private final Path conf;
    private final Map<String, Zone> zones = new LinkedHashMap<>();
    private Process process;

    public PrivateKnot(Path dir, Zone... zones) {
        this.dir = dir;
        this.address = "127.0.0." + ThreadLocalRandom.current().nextInt(10, 250);
        this.conf = dir.resolve("knot.conf");
        this.trustAnchor = dir.resolve("trust-anchor.ds");
        for (Zone z : zones) {
            this.zones.put(z.name(), z);
        }
        try {
            Files.createDirectories(dir.resolve("zones"));
            Files.createDirectories(dir.resolve("db"));
            for (Zone z : zones) {
                Files2.write(dir.resolve("zones").resolve(z.name() + ".zone"), zoneFile(z));
            }
            int p = -1;
            for (int attempt = 0; attempt < 5 && p < 0; attempt++) {
                int candidate = freePort(address);
                Files2.write(conf, config(candidate));
                if (start(candidate)) {
                    p = candidate;
                }
            }
            if (p < 0) {
                throw new IllegalStateException("knotd did not answer on " + address + ": " + log());
            }
            port = p;
            StringBuilder ds = new StringBuilder();
            for (Zone z : zones) {
                if (z.signed()) {
                    ds.append(Proc.check(dir, KEYMGR, "-c", conf.toString(), z.name(), "ds").out());
                }
            }
            Files2.write(trustAnchor, ds.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String zoneFile(Zone z) {
        if (z.kind() == Zone.Kind.AS_IS) {
            return z.records();
        }
        return "$ORIGIN " + z.name() + ".\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A "
                + address + "\n" + z.records() + "\n";
    }

    private String config(int p) {
        StringBuilder b = new StringBuilder();
        b.append("server:\n    rundir: \"").append(dir).append("\"\n    listen: ").append(address).append('@').append(p)
                .append("\n    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n")
                .append("log:\n  - target: stderr\n    any: info\n")
                .append("database:\n    storage: \"").append(dir.resolve("db")).append("\"\n")
                .append("policy:\n  - id: it\n    algorithm: ecdsap256sha256\n    nsec3: off\n")
                .append("acl:\n  - id: local\n    address: 127.0.0.0/8\n    action: transfer\n")
                .append("template:\n  - id: default\n    storage: \"").append(dir.resolve("zones"))
                .append("\"\n    zonefile-sync: -1\n    zonefile-load: whole\n    journal-content: none\n    acl: local\n")
                .append("zone:\n");
        for (Zone z : zones.values()) {
            b.append("  - domain: ").append(z.name()).append("\n    file: \"").append(z.name()).append(".zone\"\n");
            if (z.signed()) {
                b.append("    dnssec-signing: on\n    dnssec-policy: it\n");
            }
        }
        return b.toString();
    }

    /** Starts knotd; true once every zone answers (a signed one with its RRSIG), else stops it and false. */
    private boolean start(int p) throws IOException {
        process = new ProcessBuilder(KNOTD, "-c", conf.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("knotd.log").toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<Zone> waiting = new ArrayList<>(zones.values());
        while (!waiting.isEmpty() && process.isAlive() && System.nanoTime() < deadline) {
            if (log().contains("failed to load zone")) {
                stop(); // a zone the test wrote wrong: no other port will help
                throw new IllegalStateException("knotd cannot load a zone: " + log());
            }
            Zone z = waiting.get(0);
            Proc.Result r = Proc.run(List.of(KDIG, "@" + address, "-p", String.valueOf(p), "+dnssec", "+norec",
                    "+time=1", "+retry=0", z.name(), "SOA"), null, Duration.ofSeconds(10), null, dir);
            if (r.exit() == 0 && r.out().contains("status: NOERROR") && (!z.signed() || r.out().contains("RRSIG"))) {
                waiting.remove(0);
            } else {
                Wait.sleep(50);
            }
        }
        if (waiting.isEmpty()) {
            return true;
        }
        stop();
        return false;
    }

    /** The records of {@code zone} as served, signatures included (AXFR with kdig), as zone-file text. */
    public String transfer(String zone) {
        return Proc.check(dir, KDIG, "@" + address, "-p", String.valueOf(port), "+nocomments", "+noheader", "+nostats",
                "+time=2", zone, "AXFR").out();
    }

    /**
     * A trust anchor that does not fit: the first DS of {@link #trustAnchor} with its digest's first
     * digit changed (same key tag and algorithm), written to {@code file}. Every signed answer is
     * then bogus.
     */
    public Path wrongTrustAnchor(Path file) {
        String ds = Files2.read(trustAnchor).lines().filter(l -> l.contains(" DS ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no DS in " + trustAnchor)).strip();
        int cut = ds.lastIndexOf(' ') + 1;
        char first = ds.charAt(cut);
        return Files2.write(file, ds.substring(0, cut) + (first == '0' ? '1' : '0') + ds.substring(cut + 1) + "\n");
    }

    /** {@code dns_servers} value for this server. */
    public String server() {
        return address + ":" + port;
    }

    public String log() {
        return Files2.read(dir.resolve("knotd.log"));
    }

    private static int freePort(String address) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(address))) {
            return s.getLocalPort();
        }
    }

    private void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("knotd " + p.pid() + " did not end");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }
}
