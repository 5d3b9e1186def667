package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A private OpenSSH sshd on 127.0.0.1 and a free port, running as the current user, with its own
 * host key, its own authorized_keys file (real {@code restrict,command="..."} lines) and its own
 * client keys and known_hosts. Nothing outside its temporary directory is touched, except that
 * {@code /run/sshd} (privilege-separation directory) is created when running as root and missing.
 */
public final class PrivateSshd implements AutoCloseable {

    static final String SSHD = "/usr/sbin/sshd";
    static final String SSH = "/usr/bin/ssh";
    public static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";

    /** A client key pair whose public half is in the authorized_keys file. */
    public record ClientKey(String name, Path privateKey, Path publicKey, String options) {
    }

    private final Path dir;
    private final Path authorizedKeys;
    private final Path knownHosts;
    private final Path log;
    private final String user;
    private Process process;
    private int port;
    private final Thread shutdownHook;
    private final boolean ownsDir;

    private PrivateSshd(Path dir, boolean ownsDir) {
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.authorizedKeys = dir.resolve("authorized_keys");
        this.knownHosts = dir.resolve("known_hosts");
        this.log = dir.resolve("sshd.log");
        this.user = System.getProperty("user.name");
        this.shutdownHook = new Thread(this::kill, "sshd-killer");
    }

    /** Starts sshd in a new temporary directory. */
    static PrivateSshd start() {
        return start(new PrivateSshd(Files2.tempDir("it-sshd"), true));
    }

    /** Starts sshd with its files in {@code dir}, which the caller owns (close() leaves it). */
    public static PrivateSshd start(Path dir) {
        return start(new PrivateSshd(dir, false));
    }

    private static PrivateSshd start(PrivateSshd sshd) {
        try {
            sshd.startProcess();
        } catch (RuntimeException | Error e) {
            sshd.close();
            throw e;
        }
        return sshd;
    }

    Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }

    public String user() {
        return user;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public Path authorizedKeys() {
        return authorizedKeys;
    }

    public Path hostPublicKey() {
        return dir.resolve("host_ed25519.pub");
    }

    /** The listener's process (its children are the sessions), or empty while stopped. */
    public Optional<ProcessHandle> process() {
        Process p = process;
        return p == null ? Optional.empty() : Optional.of(p.toHandle());
    }

    /** The sshd log (stderr of sshd -D -e, LogLevel VERBOSE), across restarts. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * Generates a client key and appends it to authorized_keys with the given options, e.g.
     * {@code restrict,command="/opt/rsendmail/bin/rsendmail --policy laptop"}.
     */
    public ClientKey addKey(String name, String options) {
        Path key = dir.resolve("client-" + name);
        Proc.check(dir, SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
        Path pub = dir.resolve("client-" + name + ".pub");
        authorize(pub, options);
        return new ClientKey(name, key, pub, options);
    }

    /** Appends an existing public key to authorized_keys with the given options. */
    public void authorize(Path publicKey, String options) {
        try {
            String line = options + " " + Files.readString(publicKey).trim() + "\n";
            Files.writeString(authorizedKeys, line, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A forced-command option string: {@code restrict,command="<command>"}. */
    public static String forcedCommand(String command) {
        if (command.contains("\"")) {
            throw new IllegalArgumentException("double quote in forced command: " + command);
        }
        return "restrict,command=\"" + command + "\"";
    }

    /** The real ssh client's command line for this server, without the remote command. */
    List<String> sshCommand(ClientKey key) {
        return new ArrayList<>(List.of(SSH, "-F", "/dev/null", "-T",
                "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + knownHosts,
                "-o", "GlobalKnownHostsFile=/dev/null",
                "-o", "StrictHostKeyChecking=yes",
                "-o", "IdentitiesOnly=yes",
                "-o", "IdentityAgent=none",
                "-o", "ConnectTimeout=10",
                "-o", "LogLevel=ERROR",
                "-i", key.privateKey().toString(),
                "-p", Integer.toString(port),
                "-l", user,
                "127.0.0.1"));
    }

    /**
     * Runs the real ssh client with the given remote command string (sent verbatim; sshd puts it in
     * SSH_ORIGINAL_COMMAND of the forced command) and stdin.
     */
    Proc.Result ssh(ClientKey key, String remoteCommand, byte[] stdin, Duration timeout) {
        List<String> cmd = sshCommand(key);
        cmd.add(remoteCommand);
        Proc.Result r = Proc.run(cmd, stdin, timeout, Map.of(), dir);
        if (r.exit() == 255) {
            // ssh's own failure (connection, host key, authentication): never an answer of the far side
            throw new AssertionError("ssh failed: " + r + "\n--- sshd log:\n" + log());
        }
        return r;
    }

    Proc.Result ssh(ClientKey key, String remoteCommand, byte[] stdin) {
        return ssh(key, remoteCommand, stdin, Duration.ofSeconds(30));
    }

    private void startProcess() {
        Proc.check(dir, SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "it-host",
                "-f", dir.resolve("host_ed25519").toString());
        boolean root = Files2.isRoot();
        if (root) {
            try {
                Files.createDirectories(Path.of("/run/sshd"));
                Files2.chmod(Path.of("/run/sshd"), "rwxr-xr-x");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            Files.writeString(authorizedKeys, "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            String hostPub = Files.readString(dir.resolve("host_ed25519.pub")).trim();
            String[] f = hostPub.split(" ");
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                port = freePort();
                Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + f[0] + " " + f[1] + "\n");
                Files2.write(dir.resolve("sshd_config"), config(root));
                Files.deleteIfExists(log);
                if (launch()) {
                    return;
                }
                last = new IOException("sshd did not start listening on port " + port + ":\n" + log());
            }
            throw new IllegalStateException(last.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts sshd with the written config; false (and stopped) when it does not listen. */
    private boolean launch() throws IOException {
        long logged = Files.exists(log) ? Files.size(log) : 0;
        process = new ProcessBuilder(SSHD, "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (awaitListening(logged, Duration.ofSeconds(10))) {
            return true;
        }
        stop();
        return false;
    }

    /** Stops sshd and its sessions (the relays under them); files and port stay for {@link #restart}. */
    public void stop() {
        kill();
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never registered
        }
    }

    /** Starts sshd again on the same port, after {@link #stop}. */
    public void restart() {
        try {
            if (!launch()) {
                throw new IllegalStateException("sshd did not come back on port " + port + ":\n" + log());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String config(boolean root) {
        return String.join("\n",
                "# private sshd for the integration tests",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "AddressFamily inet",
                "HostKey " + dir.resolve("host_ed25519"),
                "PidFile " + dir.resolve("sshd.pid"),
                "AuthorizedKeysFile " + authorizedKeys,
                "AuthorizedPrincipalsFile none",
                "AuthorizedKeysCommand none",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "HostbasedAuthentication no",
                "PermitRootLogin " + (root ? "forced-commands-only" : "no"),
                "AllowUsers " + user,
                "UsePAM no",
                "StrictModes no",
                "PermitUserEnvironment no",
                "AllowAgentForwarding no",
                "AllowTcpForwarding no",
                "X11Forwarding no",
                "PermitTTY no",
                "PrintMotd no",
                "PrintLastLog no",
                "UseDNS no",
                "MaxStartups 100",
                "MaxSessions 100",
                "LoginGraceTime 30",
                "LogLevel VERBOSE",
                "") + "\n";
    }

    private boolean awaitListening(long logFrom, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            String l = log();
            if (l.length() > logFrom && l.substring((int) logFrom).contains("Server listening on")) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                    return true;
                } catch (IOException e) {
                    // not yet
                }
            }
            Wait.sleep(20);
        }
        return false;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy(); // SIGTERM to the listener
        try {
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        // gone, not just signalled: a relay still writing would race the caller's clean-up
        for (ProcessHandle c : children) {
            try {
                c.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("sshd session process " + c.pid() + " did not end", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        stop();
        if (ownsDir && !Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(dir);
        }
    }
}
