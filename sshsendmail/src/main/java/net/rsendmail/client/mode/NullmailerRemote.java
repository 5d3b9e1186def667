package net.rsendmail.client.mode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.config.Durations;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.delivery.SyncDelivery;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import org.slf4j.Logger;

/**
 * A nullmailer 2 protocol module (installed as /usr/lib/nullmailer/sshsendmail). nullmailer-send
 * runs it once per message with no arguments; the remote line's options come on stdin as
 * {@code key=value} lines up to an empty line, the host among them; file descriptor 3 carries the
 * envelope (sender line, recipient lines, empty line) and then the message. The exit code is
 * nullmailer's: 0 sent, below 32 temporary (message stays in nullmailer's queue), 32 and up
 * permanent (nullmailer moves it to failed/ and bounces it).
 *
 * <p>Options: {@code host} (from the remote line), {@code user}, {@code port}, {@code identity},
 * {@code known-hosts}, {@code config} (an sshsendmail.conf for everything else), and
 * {@code connect-timeout}.
 */
public final class NullmailerRemote {
    /** Options as nullmailer passes them. */
    public record Options(Map<String, String> values) {
        public String get(String key) {
            return values.get(key);
        }
    }

    /** A usage or configuration problem, with its nullmailer code. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        private final int code;

        public Problem(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private static final List<String> KEYS = List.of("host", "user", "port", "identity", "known-hosts",
            "known_hosts", "config", "connect-timeout");

    private static final Path FD3 = Path.of("/proc/self/fd/3");

    private NullmailerRemote() {
    }

    /** Reads {@code key=value} lines up to an empty line or the end of input. */
    public static Options readOptions(InputStream in) throws IOException, Problem {
        Map<String, String> m = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in, 4096);
            if (line == null || line.isEmpty()) {
                break;
            }
            if (line.startsWith("--")) {
                line = line.substring(2);
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            String value = eq < 0 ? "" : line.substring(eq + 1);
            if (!KEYS.contains(key)) {
                throw new Problem(ExitCodes.NM_USAGE, "unknown option '" + key + "' (known: " + String.join(", ", KEYS) + ")");
            }
            if (eq < 0 || value.isEmpty()) {
                throw new Problem(ExitCodes.NM_USAGE, "option '" + key + "' needs a value (" + key + "=...)");
            }
            m.put(key.replace('_', '-'), value);
        }
        return new Options(m);
    }

    /** The effective configuration: the options over the config file's values. */
    public static ClientConfig apply(Options o, ClientConfig base) throws Problem {
        ClientConfig c = base;
        String host = o.get("host");
        if (host == null) {
            throw new Problem(ExitCodes.NM_USAGE, "no host (nullmailer passes the remote's host name)");
        }
        String user = o.get("user");
        if (user == null) {
            if (base.relays().isEmpty()) {
                throw new Problem(ExitCodes.NM_CONFIG, "no user: give user=NAME on the remote line");
            }
            user = base.relays().get(0).user();
        }
        String port = o.get("port");
        String hostPart = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
        try {
            c = c.withRelays(List.of(RelayAddress.parse(user + "@" + hostPart + (port != null ? ":" + port : ""))));
        } catch (IllegalArgumentException e) {
            throw new Problem(ExitCodes.NM_USAGE, "bad host, user or port: " + e.getMessage());
        }
        if (o.get("identity") != null) {
            c = c.withIdentity(absolute(o.get("identity"), "identity"));
        }
        if (o.get("known-hosts") != null) {
            c = c.withKnownHosts(absolute(o.get("known-hosts"), "known-hosts"));
        }
        if (o.get("connect-timeout") != null) {
            try {
                Duration d = Durations.parse(o.get("connect-timeout"));
                c = c.withConnectTimeout(d);
            } catch (IllegalArgumentException e) {
                throw new Problem(ExitCodes.NM_USAGE, "connect-timeout: " + e.getMessage());
            }
        }
        return c;
    }

    /** Where the options came from: the remote line for what it sets, the config file for the rest. */
    public static Deliverable.Sources sources(Options o, Deliverable.Sources file) {
        return new Deliverable.Sources() {
            @Override
            public String of(String key) {
                String option = option(key);
                return o.get(option) != null ? "nullmailer remote option " + option : file.of(key);
            }

            @Override
            public Deliverable.Problem absent(String key) {
                Deliverable.Problem p = file.absent(key);
                return new Deliverable.Problem(key, p.where(), p.text() + ", and no " + option(key) + "= on the remote line");
            }
        };
    }

    /** The remote line's name for a config key. */
    private static String option(String key) {
        return key.equals("known_hosts") ? "known-hosts" : key.equals("relay") ? "host" : key;
    }

    private static Path absolute(String v, String key) throws Problem {
        if (!v.startsWith("/")) {
            throw new Problem(ExitCodes.NM_USAGE, key + " must be an absolute path, got '" + v + "'");
        }
        return Path.of(v);
    }

    /**
     * Delivers the message on descriptor 3; returns nullmailer's exit code. {@code queueFile}:
     * nullmailer's name for the message ({@link MtaEnvid#nullmailerId}), or null when there is
     * none (then no ENVID: a retry after a lost acknowledgement may deliver twice).
     */
    public static int deliver(ClientConfig config, InputStream fd3, String queueFile, PrintStream err) {
        try {
            ClientLog.init(config.log(), false, err);
        } catch (Refusal r) {
            return fail(err, ExitCodes.NM_CONFIG, "4.3.5 " + r.reason());
        }
        Logger log = ClientLog.get("nullmailer");
        String domain = Identity.domain(config.domain());
        Outcome o;
        String sender;
        List<String> rcpts = new ArrayList<>();
        InputStream in = new BufferedInputStream(fd3, 65536);
        try {
            sender = readLine(in, 1024);
            if (sender == null) {
                return fail(err, ExitCodes.NM_MSG_READ, "empty message file (no envelope)");
            }
            sender = sender.strip();
            if (!sender.isEmpty()) {
                sender = qualify(sender, domain);
            }
            while (true) {
                String r = readLine(in, 1024);
                if (r == null) {
                    return fail(err, ExitCodes.NM_MSG_READ, "message file ends inside the envelope");
                }
                if (r.isEmpty()) {
                    break;
                }
                rcpts.add(qualify(r.strip(), domain));
            }
            if (rcpts.isEmpty()) {
                return fail(err, ExitCodes.NM_MSG_PERMFAIL, "5.1.3 no recipients in the envelope");
            }
        } catch (AddressException e) {
            return fail(err, ExitCodes.NM_MSG_PERMFAIL, "5.1.3 bad address in the envelope: " + e.getMessage());
        } catch (IOException e) {
            return fail(err, ExitCodes.NM_MSG_READ, "cannot read the message on descriptor 3: " + e.getMessage());
        }
        String envid = envid(queueFile, log);
        try (Spool spool = Spool.read(in); SshSender ssh = new SshSender(config)) {
            o = SyncDelivery.deliver(config, ssh, new Transaction(sender, rcpts, envid, spool.size()), spool);
            log.info("nullmailer envid={} from=<{}> to={} size={} {}", envid == null ? "-" : envid, sender, rcpts,
                    spool.size(), o.line());
        } catch (IOException e) {
            return fail(err, ExitCodes.NM_MSG_READ, "cannot read the message on descriptor 3: " + e.getMessage());
        }
        int code = ExitCodes.nullmailer(o);
        if (code == 0) {
            err.println("sshsendmail: Succeeded: " + o.line());
        } else {
            err.println("sshsendmail: Failed: " + o.line());
        }
        err.flush();
        return code;
    }

    /** The ENVID for nullmailer's queue file name, or null (logged) when it cannot be one. */
    private static String envid(String queueFile, Logger log) {
        if (queueFile == null) {
            log.info("nullmailer: descriptor 3 is not a queue file: no ENVID, a retry after a lost acknowledgement"
                    + " may deliver twice");
            return null;
        }
        try {
            return MtaEnvid.of("nullmailer", MtaEnvid.machineTag(), queueFile);
        } catch (IllegalArgumentException e) {
            log.warn("nullmailer: queue file name {} cannot be an ENVID ({}): no ENVID", CommandLineParser.show(queueFile),
                    e.getMessage());
            return null;
        }
    }

    /** Descriptor 3 as a stream (reopened through /proc, which Linux allows for files and pipes). */
    public static InputStream openFd3() throws IOException {
        return new FileInputStream(FD3.toFile());
    }

    /** nullmailer's name for the message on descriptor 3, or null ({@link MtaEnvid#nullmailerId}). */
    public static String queueFile() {
        return MtaEnvid.nullmailerId(FD3);
    }

    public static int fail(PrintStream err, int code, String text) {
        err.println("sshsendmail: Failed: " + text);
        err.flush();
        return code;
    }

    private static String qualify(String a, String domain) throws AddressException {
        Mailbox m = Mailbox.parse(a, true);
        return m.isBare() ? m + "@" + domain : m.toString();
    }

    /** One LF-terminated line (CR before LF dropped) as UTF-8; null at end of input. */
    static String readLine(InputStream in, int max) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
            }
            if (c == '\n') {
                String s = b.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            if (b.size() >= max) {
                throw new IOException("line longer than " + max + " bytes");
            }
            b.write(c);
        }
    }
}
