package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code rsendmail serve} of the dist tree on 127.0.0.1 and a free port, in a directory of the
 * test: its config (the caller's lines plus listen, host key, log, state), a recording MTA behind
 * it, a known_hosts line for its host key. {@link #close} stops it with SIGTERM and waits.
 */
public final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("serve: listening on 127\\.0\\.0\\.1:(\\d+)");

    public final Path dir;
    public final Path log;
    public final Path knownHosts;
    public final RecordingSendmail mta;
    public final int port;
    private final Process process;

    /** {@code configLines}: authorized_keys, limits and [policy …] sections. */
    public ServeProcess(Path dir, String configLines) {
        this.dir = dir;
        log = dir.resolve("relay.log");
        knownHosts = dir.resolve("serve_known_hosts");
        mta = new RecordingSendmail(dir.resolve("mta"));
        Path state = dir.resolve("state");
        Path conf = dir.resolve("rsendmail.conf");
        try {
            Files.createDirectories(state);
            Files.writeString(conf, "sendmail " + mta.path() + "\nlog " + log + "\nstate_dir " + state
                    + "\nspool_dir " + dir + "\nlisten 127.0.0.1:0\nhost_key " + dir.resolve("host_key") + "\n"
                    + configLines);
            process = new ProcessBuilder(Dist.rsendmail().toString(), "serve", "--config", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("serve.out").toFile()).start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Wait.until(() -> LISTENING.matcher(log()).find(), Duration.ofSeconds(30),
                () -> "serve did not start: " + Files2.read(dir.resolve("serve.out")));
        Matcher m = LISTENING.matcher(log());
        assertTrue(m.find());
        port = Integer.parseInt(m.group(1));
        Files2.write(knownHosts, "[127.0.0.1]:" + port + " " + Files2.read(dir.resolve("host_key.pub")));
    }

    public String log() {
        return Files.exists(log) ? Files2.read(log) : "";
    }

    /** The OpenSSH client with {@code key} against this server, batch mode, nothing from ~/.ssh. */
    public List<String> ssh(Path key, String... more) {
        List<String> c = new java.util.ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o",
                "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-i", key.toString(),
                "-p", String.valueOf(port)));
        c.addAll(List.of(more));
        return c;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
