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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import net.rsendmail.lmtp.Xtext;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.accept.Acceptance;
import net.rsendmail.relay.accept.Outcome;
import net.rsendmail.relay.accept.Submission;
import net.rsendmail.relay.cli.Printable;
import net.rsendmail.relay.io.IdleWatch;
import net.rsendmail.relay.log.RequestLine;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.policy.PolicyGate;
import net.rsendmail.relay.state.EnvidStore;
import net.rsendmail.relay.state.StateDir;

/**
 * {@code rsendmail --lmtp}: LMTP (RFC 2033) on stdin/stdout, many messages per SSH channel, each
 * run through the same {@link Acceptance} step as a plain-mode request, with a reply per recipient
 * after DATA. Extensions: PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034), 8BITMIME (RFC 6152),
 * SMTPUTF8 (RFC 6531), SIZE (RFC 1870), DSN (RFC 3461: ENVID makes retries exactly-once).
 *
 * <p>Never silent: after the greeting every way the session ends has a reply line and a log line.
 * Memory stays bounded whatever the client sends: every input line, good or bad, counts against
 * {@link #MAX_COMMANDS}, and replies are flushed once {@link #MAX_PENDING} characters wait.
 */
public final class LmtpSession {
    /** RFC 5321 §4.5.3.1.4: a command line is at most 512 octets with its CRLF. */
    static final int MAX_COMMAND_LINE = 512;
    static final int MAX_COMMANDS = 100_000;
    static final int MAX_PENDING = 4096;
    private static final int MAX_ENVID = 100; // RFC 3461 §4.4

    private final BufferedInputStream in;
    private final OutputStream out;
    private final Acceptance acceptance;
    private final Policy policy;
    private final Path stateDir;
    private final IdleWatch watch;
    private final String hostname;
    private final StringBuilder pending = new StringBuilder();
    private final ReentrantLock writing = new ReentrantLock();
    private final byte[] lineBuf = new byte[MAX_COMMAND_LINE];

    private boolean greeted;
    private int commands;
    private boolean limitReached;

    // The open transaction.
    private String sender;
    private String envid;
    private final List<String> recipients = new ArrayList<>();

    public LmtpSession(InputStream in, OutputStream out, Acceptance acceptance, Path stateDir, IdleWatch watch) {
        this.in = new BufferedInputStream(watch.watched(in), 64 * 1024);
        this.out = out;
        this.acceptance = acceptance;
        this.policy = acceptance.policy();
        this.stateDir = stateDir;
        this.watch = watch;
        this.hostname = hostname();
    }

    /**
     * Serves until QUIT or end of input; returns the process exit code. Input that ends inside
     * DATA hands nothing on (SPEC §2.5: integrity) and ends the session with EX_TEMPFAIL.
     */
    public int run() {
        watch.onExpiry(this::idleFarewell);
        watch.start();
        try {
            return serve();
        } catch (IOException e) {
            // The client's side of the channel is gone: nobody is left to read a reply.
            log("connection lost: " + e.getMessage());
            return SysExit.TEMPFAIL.code();
        } catch (RuntimeException e) {
            Refusal r = Refusal.temporary("internal error, closing: " + Printable.of(String.valueOf(e.getMessage()), 200));
            closing("421 " + r.line(), Acceptance.refused(r));
            return SysExit.TEMPFAIL.code();
        }
    }

    private int serve() throws IOException {
        try {
            StateDir.check(stateDir);
        } catch (Refusal r) {
            closing("421 " + r.line(), Acceptance.refused(r));
            return r.exit().code();
        }
        new EnvidStore(stateDir, policy.name()).purgeIfDue(Instant.now());
        reply("220 " + hostname + " LMTP rsendmail ready");
        flush();
        while (true) {
            String line = readCommand();
            if (limitReached) {
                return SysExit.TEMPFAIL.code();
            }
            if (line == null) {
                if (sender != null) {
                    log("connection closed inside a transaction, nothing handed on");
                    return SysExit.TEMPFAIL.code();
                }
                return SysExit.OK.code();
            }
            if (!command(line)) {
                flush();
                return SysExit.OK.code();
            }
            if (pending.length() >= MAX_PENDING) {
                flush();
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
                        refuse(Refusal.tooBig("message too big: over " + policy.maxSize() + " bytes"),
                                acceptance.line().sender(from).size(size));
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
            refuse(Refusal.badSender("bad sender address (" + e.getMessage() + "): " + Printable.of(from)),
                    acceptance.line().envid(id));
            return;
        } catch (Refusal r) {
            refuse(r, acceptance.line().sender(from).envid(id));
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
            refuse(Refusal.badRecipient("bad recipient address (" + e.getMessage() + "): " + Printable.of(to)),
                    acceptance.line().sender(sender).envid(envid));
            return;
        }
        try {
            PolicyGate.checkRecipient(policy, sender, to);
            PolicyGate.checkRecipientCount(policy, recipients.size() + 1);
        } catch (Refusal r) {
            refuse(r, acceptance.line().sender(sender).envid(envid).recipients(List.of(to)));
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
        Outcome outcome = acceptance.accept(new Submission(sender, recipients, false, envid), body);
        try {
            if (outcome instanceof Outcome.Cut) {
                throw new EOFException("connection closed inside DATA");
            }
            // Refused before the end (too big): read on to the dot to stay in step with the client.
            body.drain();
            String line;
            if (outcome instanceof Outcome.Refused r) {
                line = Replies.line(r.refusal());
            } else if (outcome instanceof Outcome.Duplicate) {
                line = "250 2.0.0 already accepted for ENVID " + Printable.of(envid);
            } else {
                line = "250 2.0.0 delivered to relay MTA" + (envid == null ? "" : " (ENVID " + Printable.of(envid) + ")");
            }
            // LMTP: after DATA, one reply for each RCPT that was accepted (RFC 2033 §4.2).
            for (int i = 0; i < recipients.size(); i++) {
                reply(line);
            }
        } finally {
            reset();
        }
    }

    private void reset() {
        sender = null;
        envid = null;
        recipients.clear();
    }

    /** A refused command: its reply and its log line. */
    private void refuse(Refusal r, RequestLine line) {
        reply(Replies.line(r));
        acceptance.log(line, true, Acceptance.refused(r));
    }

    /** A session-level event outside any message, logged with the open transaction's envelope. */
    private void log(String status) {
        acceptance.log(acceptance.line().sender(sender).envid(envid).recipients(recipients), true, status);
    }

    /** The last reply of a session that ends here, and its log line. */
    private void closing(String reply, String status) {
        reply(reply);
        try {
            flush();
        } catch (IOException e) {
            status += " (reply not delivered: " + e.getMessage() + ")";
        }
        log(status);
    }

    /** The idle watch's farewell: a 421 if the channel can take it, and a log line in any case. */
    private void idleFarewell() {
        String status = "idle timeout after " + watch.timeoutMs() / 1000 + " s, closing";
        acceptance.log(acceptance.line().sender(sender).envid(envid).recipients(recipients), true, status);
        try {
            // A client that stopped reading may block the session's own write forever: never wait for it.
            if (writing.tryLock(200, TimeUnit.MILLISECONDS)) {
                try {
                    out.write("421 4.4.2 idle timeout, closing\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } finally {
                    writing.unlock();
                }
            }
        } catch (IOException | InterruptedException e) {
            // the client is gone anyway
        }
    }

    private void reply(String line) {
        pending.append(line).append("\r\n");
    }

    /** PIPELINING: replies wait until the client's pipelined commands are all read. */
    private void flush() throws IOException {
        writing.lock();
        try {
            if (pending.length() > 0) {
                out.write(pending.toString().getBytes(StandardCharsets.UTF_8));
                pending.setLength(0);
            }
            out.flush();
        } finally {
            writing.unlock();
        }
    }

    /**
     * The next command line without its line end; null at end of input. Every line counts
     * against the command limit, good or bad; bad ones are answered here.
     */
    private String readCommand() throws IOException {
        while (true) {
            if (in.available() == 0) {
                flush();
            }
            int n = 0;
            boolean tooLong = false;
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                if (n < lineBuf.length) {
                    lineBuf[n++] = (byte) c;
                } else {
                    tooLong = true;
                }
            }
            if (c < 0) {
                flush();
                return null; // a partial last line without its end is not a command
            }
            if (++commands > MAX_COMMANDS) {
                closing("421 4.7.0 too many commands, closing", "too many commands (" + MAX_COMMANDS + "), closing");
                limitReached = true;
                return null;
            }
            if (n > 0 && lineBuf[n - 1] == '\r') {
                n--;
            }
            String line = tooLong || n + 2 > MAX_COMMAND_LINE ? null : new String(lineBuf, 0, n, StandardCharsets.UTF_8);
            if (line == null) {
                reply("500 5.5.2 line too long");
            } else if (hasControl(line)) {
                reply("500 5.5.2 control character in command");
            } else {
                return line;
            }
            if (pending.length() >= MAX_PENDING) {
                flush();
            }
        }
    }

    private static boolean hasControl(String line) {
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch < ' ' && ch != '\t' || ch == 0x7f) {
                return true;
            }
        }
        return false;
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
