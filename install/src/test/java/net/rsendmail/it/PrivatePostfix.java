package net.rsendmail.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A private Postfix instance in a temporary directory: its own config_directory, queue_directory
 * and data_directory; no smtpd at all (only local submission through its sendmail); every
 * recipient, whatever its domain, is delivered by the virtual(8) agent into one Maildir under the
 * temporary directory. Started with {@code postfix -c DIR start}, stopped with {@code postfix -c DIR
 * stop} (kill as fallback). Postfix needs root for this (the master runs as root, postdrop is
 * setgid): tests using it are skipped, by assumption, when not run as root.
 *
 * <p>Postfix prepends Return-Path, X-Original-To, Delivered-To and one Received header to each
 * delivered copy and changes nothing else in a message that already has From, Date and
 * Message-ID with fully qualified addresses: {@link Delivered#original()} is what follows them.
 */
public final class PrivatePostfix implements AutoCloseable {

    /**
     * The master.cf services local submission and queue management need (no smtpd, no chroot),
     * for this harness and for tests that run a Postfix of their own; delivery transports are added
     * by each.
     */
    public static final List<String> CORE_SERVICES = List.of(
            "pickup    unix  n       -       n       60      1       pickup",
            "cleanup   unix  n       -       n       -       0       cleanup",
            "qmgr      unix  n       -       n       300     1       qmgr",
            "rewrite   unix  -       -       n       -       -       trivial-rewrite",
            "bounce    unix  -       -       n       -       0       bounce",
            "defer     unix  -       -       n       -       0       bounce",
            "trace     unix  -       -       n       -       0       bounce",
            "verify    unix  -       -       n       -       1       verify",
            "flush     unix  n       -       n       1000?   0       flush",
            "proxymap  unix  -       -       n       -       -       proxymap",
            "showq     unix  n       -       n       -       -       showq",
            "error     unix  -       -       n       -       -       error",
            "retry     unix  -       -       n       -       -       error",
            "discard   unix  -       -       n       -       -       discard",
            "anvil     unix  -       -       n       -       1       anvil",
            "scache    unix  -       -       n       -       1       scache",
            "postlog   unix-dgram n  -       n       -       1       postlogd");

    /** What smtpd(8) needs besides {@link #CORE_SERVICES}: its TLS session cache manager. */
    public static final List<String> SMTPD_SERVICES = List.of(
            "tlsmgr    unix  -       -       n       1000?   1       tlsmgr");

    static final String POSTFIX = "/usr/sbin/postfix";
    static final String SENDMAIL = "/usr/sbin/sendmail";
    static final String MAIL_OWNER = "postfix";
    static final String SETGID_GROUP = "postdrop";
    static final String MAILBOX_USER = "nobody";

    /** One delivered copy: the recipient it was delivered to, the whole file and the original part. */
    public record Delivered(Path file, String deliveredTo, String originalTo, String returnPath, byte[] raw, byte[] original) {
        String originalText() {
            return new String(original, StandardCharsets.UTF_8);
        }
    }

    private final Path dir;
    private final Path conf;
    private final Path queue;
    private final Path maildir;
    private final Path sendmailWrapper;
    private final Thread shutdownHook;
    private final List<String> extraMain;
    private final List<String> extraServices;
    private boolean running;

    private PrivatePostfix(Path dir) {
        this(dir, List.of(), List.of());
    }

    private PrivatePostfix(Path dir, List<String> extraMain, List<String> extraServices) {
        this.extraMain = extraMain;
        this.extraServices = extraServices;
        this.dir = dir;
        this.conf = dir.resolve("conf");
        this.queue = dir.resolve("queue");
        this.maildir = dir.resolve("mail").resolve("Maildir");
        this.sendmailWrapper = dir.resolve("sendmail");
        this.shutdownHook = new Thread(this::stop, "postfix-stopper");
    }

    /** Starts a private Postfix; skips the calling test when not root. */
    public static PrivatePostfix start() {
        return start(Files2.tempDir("it-postfix"), List.of(), List.of());
    }

    /**
     * A private Postfix in {@code dir} with {@code mainCf} lines added to main.cf and {@code services}
     * added to master.cf (e.g. smtpd listeners on 127.0.0.1 for a smarthost; smtpd also needs
     * {@link #SMTPD_SERVICES}); skips the calling test when not root.
     */
    public static PrivatePostfix start(Path dir, List<String> mainCf, List<String> services) {
        assumeTrue(Files2.isRoot(), "a private Postfix instance needs root");
        if (!Files.isExecutable(Path.of(POSTFIX))) {
            throw new IllegalStateException(POSTFIX + " missing: apt-get install postfix");
        }
        PrivatePostfix p = new PrivatePostfix(dir, mainCf, services);
        try {
            p.setUp();
            p.startProcess();
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    public Path dir() {
        return dir;
    }

    Path configDirectory() {
        return conf;
    }

    Path maildir() {
        return maildir;
    }

    /**
     * A sendmail program for the relay's config: runs {@code /usr/sbin/sendmail -C CONF "$@"}, i.e.
     * Postfix's sendmail submitting into this instance.
     */
    public Path sendmail() {
        return sendmailWrapper;
    }

    /** Waits until an smtpd service of this instance (one of the {@code services} given) accepts connections. */
    public void awaitSmtpd(String address, int port) {
        Wait.until(() -> accepts(address, port), Duration.ofSeconds(20),
                () -> "smtpd on " + address + ":" + port + "\n" + maillog());
    }

    private static boolean accepts(String address, int port) {
        try (java.net.Socket s = new java.net.Socket(address, port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String maillog() {
        try {
            return Files.readString(dir.resolve("maillog"));
        } catch (IOException e) {
            return "(no maillog: " + e + ")";
        }
    }

    private void setUp() {
        try {
            for (String d : List.of("conf", "queue", "data", "mail")) {
                Files.createDirectories(dir.resolve(d));
            }
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir.resolve("data"), lookup.lookupPrincipalByName(MAIL_OWNER));
            Files2.chmod(dir.resolve("data"), "rwx------");
            UserPrincipal nobody = lookup.lookupPrincipalByName(MAILBOX_USER);
            PosixFileAttributeView mail = Files.getFileAttributeView(dir.resolve("mail"), PosixFileAttributeView.class);
            mail.setOwner(nobody);
            GroupPrincipal nogroup = lookup.lookupPrincipalByGroupName(groupOf(MAILBOX_USER));
            mail.setGroup(nogroup);
            Files2.chmod(dir.resolve("mail"), "rwxr-xr-x");
            int uid = (Integer) Files.getAttribute(dir.resolve("mail"), "unix:uid");
            int gid = (Integer) Files.getAttribute(dir.resolve("mail"), "unix:gid");

            Files2.write(conf.resolve("main.cf"), String.join("\n",
                    "# private Postfix instance for the integration tests",
                    "compatibility_level = 3.6",
                    "queue_directory = " + queue,
                    "data_directory = " + dir.resolve("data"),
                    "mail_owner = " + MAIL_OWNER,
                    "setgid_group = " + SETGID_GROUP,
                    "inet_interfaces = loopback-only",
                    "inet_protocols = ipv4",
                    "myhostname = relay.test",
                    "mydomain = relay.test",
                    "myorigin = relay.test",
                    "mydestination =",
                    "relayhost =",
                    "# every recipient, whatever its domain, goes to virtual(8) and into one Maildir",
                    "local_transport = virtual",
                    "default_transport = virtual",
                    "relay_transport = virtual",
                    "virtual_transport = virtual",
                    "virtual_mailbox_base = " + dir.resolve("mail"),
                    "virtual_mailbox_maps = static:Maildir/",
                    "virtual_uid_maps = static:" + uid,
                    "virtual_gid_maps = static:" + gid,
                    "virtual_minimum_uid = 1",
                    "virtual_mailbox_limit = 0",
                    "message_size_limit = 0",
                    "maillog_file = " + dir.resolve("maillog"),
                    "maillog_file_prefixes = " + dir,
                    "smtputf8_enable = no",
                    "biff = no",
                    "alias_maps =",
                    "alias_database =",
                    "") + "\n" + String.join("\n", extraMain) + "\n");
            // only what local submission and virtual delivery need; no smtpd, no chroot
            List<String> services = new ArrayList<>(CORE_SERVICES);
            services.add("virtual   unix  -       n       n       -       -       virtual");
            services.addAll(extraServices);
            Files2.write(conf.resolve("master.cf"), String.join("\n", services) + "\n");
            Files2.writeExecutable(sendmailWrapper, "#!/bin/sh\n"
                    + "# Postfix's sendmail, submitting into the private instance in " + dir + "\n"
                    + "exec " + SENDMAIL + " -C " + conf + " \"$@\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String groupOf(String user) throws IOException {
        for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
            String[] f = line.split(":");
            if (f.length > 3 && f[0].equals(user)) {
                for (String g : Files.readAllLines(Path.of("/etc/group"))) {
                    String[] gf = g.split(":");
                    if (gf.length > 2 && gf[2].equals(f[3])) {
                        return gf[0];
                    }
                }
            }
        }
        throw new IllegalStateException("no primary group for " + user);
    }

    private void startProcess() {
        Proc.Result r = Proc.run(List.of(POSTFIX, "-c", conf.toString(), "start"), null,
                Duration.ofSeconds(60), null, dir);
        if (r.exit() != 0) {
            throw new IllegalStateException("postfix start failed: " + r + "\n--- maillog:\n" + maillog());
        }
        running = true;
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void stop() {
        if (!running) {
            return;
        }
        running = false;
        Proc.run(List.of(POSTFIX, "-c", conf.toString(), "stop"), null, Duration.ofSeconds(30), null, dir);
        // fallback: the master's pid file
        Path pidFile = queue.resolve("pid").resolve("master.pid");
        try {
            if (Files.exists(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).ifPresent(h -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (h.isAlive() && System.nanoTime() < deadline) {
                        Wait.sleep(50);
                    }
                    if (h.isAlive()) {
                        h.descendants().forEach(ProcessHandle::destroyForcibly);
                        h.destroyForcibly();
                    }
                });
            }
        } catch (IOException | NumberFormatException e) {
            // nothing more to do
        }
    }

    /** Removes every delivered message. */
    public void clear() {
        for (String sub : List.of("new", "cur", "tmp")) {
            try (Stream<Path> s = list(maildir.resolve(sub))) {
                s.forEach(f -> {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** Files still in the queue (maildrop, incoming, active, deferred, hold, corrupt). */
    List<Path> queued() {
        List<Path> files = new ArrayList<>();
        for (String sub : List.of("maildrop", "incoming", "active", "deferred", "hold", "corrupt")) {
            try (Stream<Path> s = Files.exists(queue.resolve(sub)) ? Files.walk(queue.resolve(sub)) : Stream.empty()) {
                s.filter(Files::isRegularFile).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Waits (bounded) until nothing is in the queue, then returns what was delivered. */
    List<Delivered> awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!queued().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Postfix queue not empty after " + timeout + ": " + queued()
                        + "\n--- maillog:\n" + maillog());
            }
            Wait.sleep(25);
        }
        return delivered();
    }

    /** Waits (bounded) for at least n delivered messages and an idle queue; returns all delivered. */
    public List<Delivered> awaitMessages(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count() < n || !queued().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + n + " delivered messages within " + timeout + ", have "
                        + count() + "; queued " + queued() + "\n--- maillog:\n" + maillog());
            }
            Wait.sleep(25);
        }
        return delivered();
    }

    private long count() {
        try (Stream<Path> s = list(maildir.resolve("new"))) {
            return s.count();
        }
    }

    /** Delivered messages, sorted by recipient. */
    public List<Delivered> delivered() {
        try (Stream<Path> s = list(maildir.resolve("new"))) {
            return s.map(PrivatePostfix::parse)
                    .sorted(Comparator.comparing(Delivered::deliveredTo).thenComparing(d -> d.file().toString()))
                    .toList();
        }
    }

    private static Stream<Path> list(Path d) {
        try {
            return Files.isDirectory(d) ? Files.list(d) : Stream.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Splits off the header fields Postfix prepended at delivery. */
    static Delivered parse(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int pos = 0;
        String deliveredTo = null;
        String originalTo = null;
        String returnPath = null;
        boolean receivedSeen = false;
        while (pos < raw.length) {
            int end = fieldEnd(raw, pos);
            String field = new String(raw, pos, end - pos, StandardCharsets.UTF_8);
            int colon = field.indexOf(':');
            if (colon < 0) {
                break;
            }
            String name = field.substring(0, colon).toLowerCase(Locale.ROOT);
            String value = field.substring(colon + 1).trim();
            if (name.equals("return-path") && returnPath == null && !receivedSeen) {
                returnPath = value;
            } else if (name.equals("x-original-to") && originalTo == null && !receivedSeen) {
                originalTo = value;
            } else if (name.equals("delivered-to") && deliveredTo == null && !receivedSeen) {
                deliveredTo = value;
            } else if (name.equals("received") && !receivedSeen && field.contains("(Postfix")) {
                receivedSeen = true;
            } else {
                break;
            }
            pos = end;
        }
        if (deliveredTo == null || !receivedSeen) {
            throw new AssertionError("not a Postfix delivery (no Delivered-To or Received): " + file);
        }
        byte[] original = java.util.Arrays.copyOfRange(raw, pos, raw.length);
        return new Delivered(file, deliveredTo, originalTo, returnPath, raw, original);
    }

    /** End (exclusive) of the header field starting at pos, continuation lines included. */
    private static int fieldEnd(byte[] b, int pos) {
        int i = pos;
        while (i < b.length) {
            if (b[i] == '\n') {
                i++;
                if (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
                    continue;
                }
                return i;
            }
            i++;
        }
        return i;
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // shutting down already, or never registered
        }
        if (!Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(dir);
        }
    }
}
