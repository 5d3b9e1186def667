package net.rsendmail.relay.lmtp;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.rsendmail.lmtp.Xtext;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.cli.Printable;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.log.RequestLog;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.policy.PolicyGate;
import net.rsendmail.relay.policy.RateLimiter;
import net.rsendmail.relay.spool.Spool;
import net.rsendmail.relay.transport.SendmailTransport;

/**
 * {@code rsendmail --lmtp}: LMTP (RFC 2033) on stdin/stdout, many messages per SSH channel, each
 * checked and handed over like a plain-mode request, with a reply per recipient after DATA.
 * Extensions: PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034), 8BITMIME (RFC 6152),
 * SMTPUTF8 (RFC 6531), SIZE (RFC 1870), DSN (RFC 3461: ENVID makes retries exactly-once).
 */
public final class LmtpSession {
    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    static final int MAX_COMMANDS = 100_000;
    public static final long IDLE_TIMEOUT_MS = 300_000;
    private static final int MAX_ENVID = 100; // RFC 3461 §4.4

    private final BufferedInputStream in;
    private final OutputStream out;
    private final Policy policy;
    private final RelayConfig config;
    private final String hostname;
    private final long idleTimeoutMs;
    private final StringBuilder pending = new StringBuilder();

    private boolean greeted;
    private int commands;
    private volatile long lastInput = System.nanoTime();

    // The open transaction.
    private String sender;
    private String envid;
    private final List<String> recipients = new ArrayList<>();

    public LmtpSession(InputStream in, OutputStream out, Policy policy, RelayConfig config, long idleTimeoutMs) {
        this.in = new BufferedInputStream(in, 64 * 1024);
        this.out = out;
        this.policy = policy;
        this.config = config;
        this.hostname = hostname();
        this.idleTimeoutMs = idleTimeoutMs;
    }

    /**
     * Serves until QUIT or end of input; returns the process exit code. Input that ends inside
     * DATA hands nothing on (SPEC §2.5: integrity) and ends the session with EX_TEMPFAIL.
     */
    public int run() throws IOException {
        try {
            return serve();
        } catch (EOFException e) {
            log(sender == null ? "" : sender, recipients, 0, "lost connection in DATA, nothing handed on", envid);
            return 75;
        }
    }

    private int serve() throws IOException {
        startIdleWatch();
        new EnvidStore(config.stateDir(), policy.name()).purgeIfDue(Instant.now());
        reply("220 " + hostname + " LMTP rsendmail ready");
        flush();
        while (true) {
            String line = readCommand();
            if (line == null) {
                return sender == null ? 0 : 75; // gone mid-transaction: nothing was handed on
            }
            if (++commands > MAX_COMMANDS) {
                reply("421 4.7.0 too many commands, closing");
                flush();
                return 75;
            }
            if (!command(line)) {
                flush();
                return 0;
            }
        }
    }

    /** Handles one command line; false after QUIT. */
    private boolean command(String line) throws IOException {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        switch (verb) {
            case "LHLO":
                lhlo(arg);
                return true;
            case "HELO": case "EHLO":
                reply("500 5.5.1 this is LMTP: use LHLO (RFC 2033)");
                return true;
            case "MAIL":
                mail(arg);
                return true;
            case "RCPT":
                rcpt(arg);
                return true;
            case "DATA":
                data(arg);
                return true;
            case "RSET":
                reset();
                reply("250 2.0.0 reset");
                return true;
            case "NOOP":
                reply("250 2.0.0 OK");
                return true;
            case "QUIT":
                reply("221 2.0.0 " + hostname + " closing");
                return false;
            case "VRFY": case "EXPN": case "HELP": case "ETRN": case "BDAT": case "STARTTLS": case "AUTH":
                reply("502 5.5.1 " + verb + " not implemented");
                return true;
            default:
                reply("500 5.5.1 unknown command: " + Printable.of(verb));
                return true;
        }
    }

    private void lhlo(String arg) {
        if (arg.isBlank()) {
            reply("501 5.5.4 LHLO needs a host name");
            return;
        }
        reset();
        greeted = true;
        reply("250-" + hostname);
        reply("250-PIPELINING");
        reply("250-ENHANCEDSTATUSCODES");
        reply("250-8BITMIME");
        reply("250-SMTPUTF8");
        reply("250-DSN");
        reply("250 SIZE " + policy.maxSize());
    }

    private void mail(String arg) {
        if (!greeted) {
            reply("503 5.5.1 LHLO first");
            return;
        }
        if (sender != null) {
            reply("503 5.5.1 nested MAIL command");
            return;
        }
        MailPath path = MailPath.parse(arg, "FROM:");
        if (path == null) {
            reply("501 5.5.4 syntax: MAIL FROM:<address> [parameters]");
            return;
        }
        String from = path.address();
        String id = null;
        for (String p : path.params()) {
            String key = key(p);
            String value = value(p);
            switch (key) {
                case "SIZE":
                    long size = number(value);
                    if (size < 0) {
                        reply("501 5.5.4 bad SIZE");
                        return;
                    }
                    if (size > policy.maxSize()) {
                        reply("552 5.3.4 message too big: over " + policy.maxSize() + " bytes");
                        return;
                    }
                    break;
                case "BODY":
                    if (!"7BIT".equalsIgnoreCase(value) && !"8BITMIME".equalsIgnoreCase(value)) {
                        reply("501 5.5.4 BODY must be 7BIT or 8BITMIME");
                        return;
                    }
                    break;
                case "SMTPUTF8":
                    if (value != null) {
                        reply("501 5.5.4 SMTPUTF8 takes no value");
                        return;
                    }
                    break;
                case "RET":
                    if (!"FULL".equalsIgnoreCase(value) && !"HDRS".equalsIgnoreCase(value)) {
                        reply("501 5.5.4 RET must be FULL or HDRS");
                        return;
                    }
                    break;
                case "ENVID":
                    id = value == null ? null : Xtext.decode(value);
                    if (id == null || id.isEmpty() || value.length() > MAX_ENVID) {
                        reply("501 5.5.4 bad ENVID");
                        return;
                    }
                    break;
                default:
                    reply("555 5.5.4 unsupported MAIL parameter: " + Printable.of(key));
                    return;
            }
        }
        try {
            if (!from.isEmpty()) {
                Mailbox.parse(from, false);
            }
            PolicyGate.checkSender(policy, from);
        } catch (AddressException e) {
            reply("553 5.1.7 bad sender address (" + e.getMessage() + "): " + Printable.of(from));
            return;
        } catch (Refusal r) {
            reply(Replies.line(r));
            log(from, List.of(), 0, "refused " + r.line(), id);
            return;
        }
        sender = from;
        envid = id;
        reply("250 2.1.0 sender OK");
    }

    private void rcpt(String arg) {
        if (sender == null) {
            reply("503 5.5.1 MAIL first");
            return;
        }
        MailPath path = MailPath.parse(arg, "TO:");
        if (path == null || path.address().isEmpty()) {
            reply("501 5.5.4 syntax: RCPT TO:<address> [parameters]");
            return;
        }
        for (String p : path.params()) {
            String key = key(p);
            String value = value(p);
            if (key.equals("NOTIFY") && value != null && value.matches("(?i)NEVER|((SUCCESS|FAILURE|DELAY),?)+")) {
                continue;
            }
            if (key.equals("ORCPT") && value != null && value.indexOf(';') > 0 && Xtext.decode(value.substring(
                    value.indexOf(';') + 1)) != null) {
                continue;
            }
            reply("555 5.5.4 unsupported RCPT parameter: " + Printable.of(key));
            return;
        }
        String to = path.address();
        try {
            Mailbox.parse(to, policy.allowBareLocal());
        } catch (AddressException e) {
            reply("553 5.1.3 bad recipient address (" + e.getMessage() + "): " + Printable.of(to));
            return;
        }
        try {
            PolicyGate.checkRecipient(policy, to);
            PolicyGate.checkRecipientCount(policy, recipients.size() + 1);
        } catch (Refusal r) {
            reply(Replies.line(r));
            return;
        }
        recipients.add(to);
        reply("250 2.1.5 recipient OK");
    }

    private void data(String arg) throws IOException {
        if (!arg.isEmpty()) {
            reply("501 5.5.4 DATA takes no arguments");
            return;
        }
        if (sender == null || recipients.isEmpty()) {
            reply("503 5.5.1 no valid recipients");
            return;
        }
        reply("354 end data with <CR><LF>.<CR><LF>");
        flush();
        DataReader body = new DataReader(in);
        Spool spool;
        try {
            spool = Spool.read(body, policy.maxSize(), config.spoolDir());
        } catch (Refusal r) {
            // Too big, or the spool failed: read on to the dot to stay in step, then refuse the
            // message. If the input ends first, drain() throws: the connection is gone.
            body.drain();
            allRecipients(Replies.line(r));
            log(sender, recipients, 0, "refused " + r.line(), envid);
            reset();
            return;
        }
        try (spool) {
            deliver(spool);
        } finally {
            lastInput = System.nanoTime();
            reset();
        }
    }

    /** Policy on the headers, the rate limit, exactly-once and the hand-over: then one reply per RCPT. */
    private void deliver(Spool spool) throws IOException {
        Set<String> unique = new LinkedHashSet<>(recipients);
        try {
            if (policy.headerFromMatch()) {
                HeaderBlock headers = HeaderBlock.parse(spool.head(), spool.headLength());
                try {
                    PolicyGate.checkHeaderFrom(policy, headers.addresses("From"));
                } catch (AddressException e) {
                    throw Refusal.data("unparsable header: " + e.getMessage());
                }
            }
        } catch (Refusal r) {
            allRecipients(Replies.line(r));
            log(sender, recipients, spool.size(), "refused " + r.line(), envid);
            return;
        }
        if (envid == null) {
            handOver(spool, new ArrayList<>(unique), null);
            return;
        }
        try (EnvidStore.Record record = new EnvidStore(config.stateDir(), policy.name()).open(envid)) {
            List<String> todo = new ArrayList<>();
            for (String r : unique) {
                if (!record.accepted(r)) {
                    todo.add(r);
                }
            }
            if (todo.isEmpty()) {
                allRecipients("250 2.0.0 already accepted for ENVID " + Printable.of(envid));
                log(sender, recipients, spool.size(), "duplicate", envid);
                return;
            }
            handOver(spool, todo, record);
        }
    }

    private void handOver(Spool spool, List<String> todo, EnvidStore.Record record) throws IOException {
        try {
            if (policy.maxPerHour() > 0) {
                new RateLimiter(config.stateDir(), policy.name(), policy.maxPerHour())
                        .acquire(System.currentTimeMillis() / 1000);
            }
            new SendmailTransport(config.sendmail()).deliver(sender.isEmpty() ? "" : sender, todo, spool, List.of());
        } catch (Refusal r) {
            allRecipients(Replies.line(r));
            log(sender, recipients, spool.size(), "refused " + r.line(), envid);
            return;
        }
        if (record != null) {
            record.add(todo); // durable before any 250 goes out
        }
        allRecipients("250 2.0.0 delivered to relay MTA" + (envid == null ? "" : " (ENVID " + Printable.of(envid) + ")"));
        log(sender, recipients, spool.size(), "sent", envid);
    }

    /** LMTP: after DATA, one reply for each RCPT that was accepted (RFC 2033 §4.2). */
    private void allRecipients(String line) {
        for (int i = 0; i < recipients.size(); i++) {
            reply(line);
        }
    }

    private void reset() {
        sender = null;
        envid = null;
        recipients.clear();
    }

    private void log(String from, List<String> to, long size, String outcome, String id) {
        StringBuilder b = new StringBuilder(128);
        b.append("policy=").append(policy.name()).append(" mode=lmtp");
        if (id != null) {
            b.append(" envid=").append(Printable.of(id));
        }
        b.append(" from=<").append(Printable.of(from)).append("> nrcpt=").append(to.size()).append(" to=");
        for (int i = 0; i < to.size() && i < 10; i++) {
            b.append(i > 0 ? "," : "").append('<').append(Printable.of(to.get(i))).append('>');
        }
        b.append(" size=").append(size).append(" status=").append(outcome);
        RequestLog.write(config.log(), !outcome.equals("sent") && !outcome.equals("duplicate"), b.toString());
    }

    private void reply(String line) {
        pending.append(line).append("\r\n");
    }

    /** PIPELINING: replies wait until the client's pipelined commands are all read. */
    private synchronized void flush() throws IOException {
        if (pending.length() > 0) {
            out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
            pending.setLength(0);
        }
        out.flush();
    }

    /** The next command line without CRLF; null at end of input. Over-long lines are answered here. */
    private String readCommand() throws IOException {
        while (true) {
            if (in.available() == 0) {
                flush();
            }
            byte[] buf = new byte[MAX_COMMAND_LINE];
            int n = 0;
            boolean tooLong = false;
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (n < buf.length) {
                    buf[n++] = (byte) c;
                } else {
                    tooLong = true;
                }
            }
            lastInput = System.nanoTime();
            if (c < 0 && n == 0) {
                flush();
                return null;
            }
            if (c < 0) {
                flush();
                return null; // a partial last line without its end is not a command
            }
            if (n > 0 && buf[n - 1] == '\r') {
                n--;
            }
            if (tooLong || n + 2 > MAX_COMMAND_LINE) {
                reply("500 5.5.2 line too long");
                continue;
            }
            String line = new String(buf, 0, n, StandardCharsets.UTF_8);
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (ch < ' ' && ch != '\t' || ch == 0x7f) {
                    line = null;
                    break;
                }
            }
            if (line == null) {
                reply("500 5.5.2 control character in command");
                continue;
            }
            return line;
        }
    }

    /** Closes the session after {@link #idleTimeoutMs} without input (RFC 5321 §4.5.3.2.7: 5 minutes). */
    private void startIdleWatch() {
        Thread t = new Thread(() -> {
            while (true) {
                long idle = (System.nanoTime() - lastInput) / 1_000_000;
                if (idle >= idleTimeoutMs) {
                    synchronized (this) {
                        try {
                            out.write("421 4.4.2 idle timeout, closing\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        } catch (IOException ignored) {
                            // the client is gone anyway
                        }
                    }
                    Runtime.getRuntime().halt(75);
                }
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, idleTimeoutMs - idle)));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lmtp-idle");
        t.setDaemon(true);
        t.start();
    }

    private static String key(String param) {
        int eq = param.indexOf('=');
        return (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
    }

    private static String value(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? null : param.substring(eq + 1);
    }

    private static long number(String v) {
        if (v == null || v.isEmpty() || v.length() > 18) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(v);
    }

    private static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return h.isEmpty() ? "localhost" : h;
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }

    /** {@code FROM:<addr> PARAMS} or {@code TO:<addr> PARAMS} (RFC 5321 §4.1.1.2–3). */
    record MailPath(String address, List<String> params) {
        static MailPath parse(String arg, String keyword) {
            if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
                return null;
            }
            String rest = arg.substring(keyword.length()).stripLeading();
            if (rest.isEmpty() || rest.charAt(0) != '<') {
                return null;
            }
            int close = rest.indexOf('>');
            if (close < 0) {
                return null;
            }
            String address = rest.substring(1, close);
            if (address.indexOf('<') >= 0 || address.indexOf(' ') >= 0) {
                return null;
            }
            List<String> params = new ArrayList<>();
            for (String p : rest.substring(close + 1).trim().split(" +")) {
                if (!p.isEmpty()) {
                    params.add(p);
                }
            }
            return new MailPath(address, params);
        }
    }
}
