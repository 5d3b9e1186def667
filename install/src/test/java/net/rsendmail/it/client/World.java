package net.rsendmail.it.client;

import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the client tests run against, all real and private to one temporary directory: an OpenSSH
 * sshd on 127.0.0.1 whose authorized_keys forces this project's rsendmail (the dist tree), a
 * recording sendmail behind the relay (argv, stdin; exit code and delay set by the test), a client
 * key, a known_hosts file and an sshsendmail config.
 */
final class World implements AutoCloseable {
    final Path dir;
    final Path dist;
    final Path relayConf;
    final Path stubDir;
    final Path clientKey;
    final Path knownHosts;
    final Path clientConf;
    final Path queue;
    final String user = System.getProperty("user.name");
    final int port;
    final RecordingSendmail stub;
    private final PrivateSshd sshd;

    World() {
        dir = Files2.tempDir("it-client");
        dist = Dist.home();
        relayConf = dir.resolve("relay.conf");
        clientConf = dir.resolve("sshsendmail.conf");
        queue = dir.resolve("queue");
        stub = new RecordingSendmail(dir.resolve("stub"));
        stubDir = dir.resolve("stub");
        relayPolicy("");
        sshd = PrivateSshd.start(dir);
        port = sshd.port();
        knownHosts = sshd.knownHosts();
        clientKey = sshd.addKey("sshsendmail", relayKeyOptions("")).privateKey();
        clientConfig("");
    }

    Path sshsendmail() {
        return dist.resolve("bin/sshsendmail");
    }

    // ------------------------------------------------------------------ relay side

    /** Relay config: the stub as sendmail, log to a file, plus {@code policyLines} in [policy default]. */
    void relayPolicy(String policyLines) {
        relay(stub.path(), policyLines);
    }

    /** As {@link #relayPolicy}, with {@code sendmail} (e.g. a real Postfix's) behind the relay instead of the stub. */
    void relay(Path sendmail, String policyLines) {
        relayConfig(relayConf, sendmail, dir.resolve("relay.log"), dir, policyLines);
    }

    /** Writes a relay config to {@code file}: {@code sendmail}, {@code log}, {@code stateDir}, [policy default]. */
    static void relayConfig(Path file, Path sendmail, Path log, Path stateDir, String policyLines) {
        Files2.write(file, "sendmail " + sendmail + "\n"
                + "log " + log + "\n"
                + "state_dir " + stateDir + "\n"
                + "default_policy default\n"
                + "[policy default]\nmax_recipients 100\n" + policyLines + "\n");
    }

    /** The relay's forced command: {@code rsendmail --config …}. */
    String relayCommand() {
        return relayCommand(relayConf);
    }

    private String relayCommand(Path conf) {
        return dist.resolve("bin/rsendmail") + " --config " + conf;
    }

    /** {@code restrict<extra>,command="rsendmail --config …"}. */
    String relayKeyOptions(String extraOptions) {
        return "restrict" + extraOptions + ",command=\"" + relayCommand() + "\"";
    }

    /**
     * A second relay, in {@code dir/NAME}: its own sshd (its host key added to our known_hosts) and
     * relay config in front of {@code stub}, the client key authorized; the caller closes it.
     */
    PrivateSshd secondRelay(String name, RecordingSendmail stub) {
        Path d = dir.resolve(name);
        Path conf = d.resolve("relay.conf");
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        relayConfig(conf, stub.path(), d.resolve("relay.log"), d, "");
        PrivateSshd other = PrivateSshd.start(d);
        other.authorize(Path.of(clientKey + ".pub"), "restrict,command=\"" + relayCommand(conf) + "\"");
        Files2.write(knownHosts, Files2.read(knownHosts) + Files2.read(other.knownHosts()));
        return other;
    }

    /** Makes the client key's only authorized_keys line force {@code command} instead. */
    void forceCommand(String command) {
        Files2.write(sshd.authorizedKeys(), PrivateSshd.forcedCommand(command) + " "
                + Files2.read(Path.of(clientKey + ".pub")).trim() + "\n");
    }

    /** Adds a key's public half behind the relay's forced command. */
    void authorize(Path key, String extraOptions) {
        sshd.authorize(Path.of(key + ".pub"), relayKeyOptions(extraOptions));
    }

    void stubExit(int code) {
        stub.exitCode(code);
    }

    void stubDelay(int seconds) {
        stub.delay(seconds);
    }

    /** Completed calls of the recording sendmail, oldest first. */
    List<RecordingSendmail.Call> calls() {
        return stub.completed();
    }

    List<RecordingSendmail.Call> awaitCalls(int n, Duration timeout) {
        Wait.until(() -> calls().size() >= n, timeout, () -> "expected " + n + " calls of the relay's sendmail, have "
                + calls().size() + "\n--- relay log:\n" + Files2.read(dir.resolve("relay.log")) + "\n--- client log:\n"
                + clientLog());
        return calls();
    }

    void clearCalls() {
        stub.clear();
    }

    void stopSshd() {
        sshd.stop();
    }

    /** Starts sshd again on the same port (after {@link #stopSshd}). */
    void restartSshd() {
        sshd.restart();
    }

    String sshdLog() {
        return sshd.log();
    }

    Path hostPublicKey() {
        return sshd.hostPublicKey();
    }

    /** The sshd listener: its descendants are the sessions and the relays under them. */
    ProcessHandle sshdProcess() {
        return sshd.process().orElseThrow();
    }

    // ------------------------------------------------------------------ client side

    /** Writes the client config: relay, identity, known_hosts, queue, log file, plus {@code extra} lines. */
    void clientConfig(String extra) {
        clientConfig(port, extra);
    }

    /** As {@link #clientConfig(String)}, with the relay on {@code relayPort} of 127.0.0.1. */
    void clientConfig(int relayPort, String extra) {
        Files2.write(clientConf, "relay " + user + "@127.0.0.1:" + relayPort + "\n"
                + "identity " + clientKey + "\n"
                + "known_hosts " + knownHosts + "\n"
                + "queue " + queue + "\n"
                + "domain client.test\n"
                + "log " + dir.resolve("client.log") + "\n"
                + "connect_timeout 5s\nauth_timeout 5s\ncommand_timeout 20s\n"
                + extra);
    }

    /** Entry names in the queue's {@code sub} directory (queue, claimed, failed, maildrop…), sorted. */
    List<String> queueFiles(String sub) {
        try (java.util.stream.Stream<Path> s = Files.list(queue.resolve(sub))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String clientLog() {
        return Files2.read(dir.resolve("client.log"));
    }

    /** The relay's log (relay.log, as the configs here name it); "" before its first line. */
    String relayLog() {
        Path log = dir.resolve("relay.log");
        return Files.exists(log) ? Files2.read(log) : "";
    }

    Proc.Result sshsendmail(byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(sshsendmail().toString());
        cmd.addAll(List.of(args));
        return run(cmd, stdin, Map.of("SSHSENDMAIL_CONF", clientConf.toString()), Duration.ofSeconds(60));
    }

    /** Queues {@link #message} from {@code sender} to {@code rcpts} (sendmail -i -f SENDER RCPT…); exit 0 or fails. */
    void enqueue(String sender, String subject, String... rcpts) {
        List<String> args = new ArrayList<>(List.of("-i", "-f", sender));
        args.addAll(List.of(rcpts));
        Proc.Result r = sshsendmail(message(sender, rcpts[0], subject), args.toArray(String[]::new));
        if (r.exit() != 0) {
            throw new AssertionError("sendmail exited " + r.exit() + ": " + r);
        }
    }

    /** Starts {@code sshsendmail --daemon} and waits (bounded) for its "daemon started"; the caller stops it. */
    Process startDaemon() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(sshsendmail().toString(), "--daemon")
                .redirectOutput(dir.resolve("daemon.out").toFile()).redirectError(dir.resolve("daemon.err").toFile());
        pb.environment().put("SSHSENDMAIL_CONF", clientConf.toString());
        Process d = pb.start();
        try {
            Wait.until(() -> clientLog().contains("daemon started") || !d.isAlive(), Duration.ofSeconds(20),
                    () -> clientLog() + Files2.read(dir.resolve("daemon.err")));
        } catch (AssertionError e) {
            d.destroyForcibly();
            throw e;
        }
        if (!d.isAlive()) {
            throw new AssertionError("daemon exited " + d.exitValue() + ": " + Files2.read(dir.resolve("daemon.err")));
        }
        return d;
    }

    Proc.Result run(List<String> cmd, byte[] stdin, Map<String, String> env, Duration timeout) {
        return Proc.run(cmd, stdin, timeout, env, dir);
    }

    void check(String... cmd) {
        Proc.check(dir, cmd);
    }

    // ------------------------------------------------------------------ helpers

    static byte[] message(String from, String to, String subject) {
        return ("From: <" + from + ">\nTo: <" + to + ">\nSubject: " + subject + "\n"
                + "Date: Thu, 01 Jan 2026 12:00:00 +0000\nMessage-ID: <" + System.nanoTime() + "@client.test>\n\n"
                + "Hello,\n.\n..two dots\nFrom the start of a line\nGrüße ✓\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An sshsendmail of this world: named by its config (argument or environment). */
    private boolean ours(ProcessHandle h) {
        String conf = clientConf.toString();
        return Proc.commandLine(h).contains(conf) || Proc.environ(h).contains("SSHSENDMAIL_CONF=" + conf + "\0");
    }

    /** Live runners a sendmail call of this world started ({@code --runner}: they stay while mail waits). */
    List<ProcessHandle> runners() {
        return Proc.find(h -> ours(h) && Proc.commandLine(h).contains(" --runner"));
    }

    /** Waits (bounded) until every sshsendmail of this world has ended by itself, else fails naming them. */
    void awaitOwnGone(Duration timeout) {
        Proc.awaitGone(this::ours, timeout, "sshsendmail of " + clientConf);
    }

    @Override
    public void close() {
        try {
            // a runner stays while mail waits (a test may leave some deferred): SIGTERM, as at shutdown
            runners().forEach(ProcessHandle::destroy);
            // detached runners (setsid -f) outlive the sshsendmail that started them
            awaitOwnGone(Duration.ofSeconds(30));
        } finally {
            sshd.close(); // and the relays under it, waited for
            if (!Boolean.getBoolean("it.keep")) {
                Files2.deleteTree(dir);
            }
        }
    }
}
