package net.rsendmail.relay.lmtp;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.accept.Acceptance;
import net.rsendmail.relay.accept.Outcome;
import net.rsendmail.relay.accept.Submission;
import net.rsendmail.mail.Printable;
import net.rsendmail.io.BufferedInput;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.relay.log.RequestLine;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.policy.PolicyGate;
import net.rsendmail.relay.state.EnvidStore;
import net.rsendmail.relay.state.StateDir;
import net.rsendmail.relay.transport.Envelope;
import net.rsendmail.relay.transport.RecipientReply;
import net.rsendmail.smtp.Command;
import net.rsendmail.smtp.CommandParser;
import net.rsendmail.smtp.CommandReader;
import net.rsendmail.smtp.DotCodec;
import net.rsendmail.smtp.Replies;
import net.rsendmail.smtp.ReplyWriter;

/**
 * {@code rsendmail --lmtp}: LMTP (RFC 2033) on stdin/stdout, many messages per SSH channel, each
 * run through the same {@link Acceptance} step as a plain-mode request, with a reply per recipient
 * after DATA. Extensions: PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034), 8BITMIME (RFC 6152),
 * SMTPUTF8 (RFC 6531), SIZE (RFC 1870), DSN (RFC 3461: ENVID makes retries exactly-once).
 *
 * <p>Never silent: after the greeting every way the session ends has a reply line and a log line.
 * Memory stays bounded whatever the client sends: every input line, good or bad, counts against
 * {@link #MAX_COMMANDS}, and replies are flushed once {@link ReplyWriter#full()}.
 */
public final class LmtpSession {
    static final int MAX_COMMANDS = 100_000;

    private final BufferedInputStream in;
    private final Acceptance acceptance;
    private final Policy policy;
    private final Path stateDir;
    private final IdleWatch watch;
    private final String hostname;
    private final ReplyWriter replies;
    private final CommandReader commandReader;

    private boolean greeted;
    private int commands;
    private boolean limitReached;

    // The open transaction.
    private String sender;
    private String envid;
    private String ret;
    private boolean requireTls;
    private final List<String> recipients = new ArrayList<>();
    private final List<String> notifies = new ArrayList<>();
    private final Map<String, Envelope.RecipientDsn> dsn = new HashMap<>();

    public LmtpSession(InputStream in, OutputStream out, Acceptance acceptance, Path stateDir, IdleWatch watch) {
        this.in = new BufferedInput(watch.watched(in), 64 * 1024);
        this.commandReader = new CommandReader(this.in);
        this.replies = new ReplyWriter(out);
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
        } finally {
            acceptance.syncRecords(); // before the process ends
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
            if (replies.full()) {
                flush();
            }
        }
    }

    /** Handles one command line; false after QUIT. */
    private boolean command(String line) throws IOException {
        Command c = CommandParser.parse(line);
        if (c instanceof Command.Hello h) {
            if (h.verb().equals("LHLO")) {
                lhlo();
            } else {
                reply("500 5.5.1 this is LMTP: use LHLO (RFC 2033)");
            }
        } else if (c instanceof Command.Mail m) {
            mail(m);
        } else if (c instanceof Command.Rcpt r) {
            rcpt(r);
        } else if (c instanceof Command.Data) {
            data();
        } else if (c instanceof Command.Rset) {
            reset();
            reply(Replies.RESET);
        } else if (c instanceof Command.Noop) {
            reply(Replies.OK);
        } else if (c instanceof Command.Quit) {
            reply(Replies.closing(hostname));
            return false;
        } else if (c instanceof Command.Invalid i) {
            reply(i.line());
        } else if (c instanceof Command.Unknown u) {
            reply(Replies.unknown(u.verb()));
        } else if (c instanceof Command.NotImplemented n) {
            reply(Replies.notImplemented(n.verb()));
        } else {
            reply(Replies.notImplemented(c instanceof Command.Vrfy ? "VRFY" : "HELP"));
        }
        return true;
    }

    private void lhlo() {
        reset();
        greeted = true;
        reply("250-" + hostname);
        reply("250-PIPELINING");
        reply("250-ENHANCEDSTATUSCODES");
        reply("250-8BITMIME");
        reply("250-SMTPUTF8");
        reply("250-DSN");
        if (acceptance.honoursRequireTls()) {
            reply("250-REQUIRETLS"); // RFC 8689 §3: only when the transport can keep the promise
        }
        reply("250 SIZE " + policy.maxSize());
    }

    private void mail(Command.Mail m) {
        if (!greeted) {
            reply("503 5.5.1 LHLO first");
            return;
        }
        if (sender != null) {
            reply("503 5.5.1 nested MAIL command");
            return;
        }
        String from = m.address();
        String id = m.envid();
        if (m.requireTls() && !acceptance.honoursRequireTls()) {
            reply("555 5.5.4 unsupported MAIL parameter: REQUIRETLS"); // not offered in LHLO
            return;
        }
        if (m.size() > policy.maxSize()) {
            refuse(Refusal.tooBig("message too big: over " + policy.maxSize() + " bytes"),
                    acceptance.line().sender(from).size(m.size()));
            return;
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
        ret = m.ret();
        requireTls = m.requireTls();
        reply("250 2.1.0 sender OK");
    }

    private void rcpt(Command.Rcpt r) {
        String to = r.address();
        if (sender == null) {
            reply("503 5.5.1 MAIL first");
            return;
        }
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
        } catch (Refusal refusal) {
            refuse(refusal, acceptance.line().sender(sender).envid(envid).recipients(List.of(to)));
            return;
        }
        recipients.add(to);
        notifies.add(r.dsnNotify());
        if (r.dsnNotify() != null || r.orcpt() != null) {
            dsn.putIfAbsent(to, new Envelope.RecipientDsn(r.dsnNotify(), r.orcpt())); // the first RCPT of a duplicate
        }
        reply("250 2.1.5 recipient OK");
    }

    private void data() throws IOException {
        if (sender == null || recipients.isEmpty()) {
            reply("503 5.5.1 no valid recipients");
            return;
        }
        reply("354 end data with <CR><LF>.<CR><LF>");
        flush();
        acceptance.syncRecords(); // while the message is on its way
        DotCodec.Decoder body = new DotCodec.Decoder(in);
        Outcome outcome = acceptance.accept(new Submission(sender, recipients, false, envid, ret, commonNotify(),
                requireTls, dsn), body);
        try {
            if (outcome instanceof Outcome.Cut) {
                throw new EOFException("connection closed inside DATA");
            }
            // Refused before the end (too big): read on to the dot to stay in step with the client.
            body.drain();
            // LMTP: after DATA, one reply for each RCPT that was accepted (RFC 2033 §4.2), each its own.
            String earlier = "250 2.0.0 already accepted for ENVID " + (envid == null ? "" : Printable.of(envid));
            if (outcome instanceof Outcome.Handed h) {
                Map<String, String> lines = new HashMap<>();
                for (RecipientReply r : h.replies()) {
                    String said = r.reply().line();
                    if (envid != null && r instanceof RecipientReply.Accepted) {
                        said += " (ENVID " + Printable.of(envid) + ")";
                    }
                    lines.put(r.recipient(), said);
                }
                for (String r : recipients) {
                    reply(lines.getOrDefault(r, earlier));
                }
            } else {
                String line = outcome instanceof Outcome.Refused r ? Replies.line(r.refusal()) : earlier;
                for (int i = 0; i < recipients.size(); i++) {
                    reply(line);
                }
            }
        } finally {
            reset();
        }
    }

    /** RFC 3461 NOTIFY when every recipient asked for the same (the SMTP client sends one for all), else null. */
    private String commonNotify() {
        String first = notifies.get(0);
        for (String n : notifies) {
            if (!java.util.Objects.equals(first, n)) {
                return null;
            }
        }
        return first;
    }

    private void reset() {
        sender = null;
        envid = null;
        ret = null;
        requireTls = false;
        recipients.clear();
        notifies.clear();
        dsn.clear();
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
        replies.farewell("421 4.4.2 idle timeout, closing");
    }

    private void reply(String line) {
        replies.add(line);
    }

    private void flush() throws IOException {
        replies.flush();
    }

    /**
     * The next command line without its line end; null at end of input. Every line counts
     * against the command limit, good or bad; bad ones are answered here.
     */
    private String readCommand() throws IOException {
        while (true) {
            if (in.available() == 0) {
                flush();
                acceptance.syncRecords(); // while the client answers
            }
            CommandReader.Input input = commandReader.next();
            if (input instanceof CommandReader.Input.End) {
                flush();
                return null;
            }
            if (++commands > MAX_COMMANDS) {
                closing("421 4.7.0 too many commands, closing", "too many commands (" + MAX_COMMANDS + "), closing");
                limitReached = true;
                return null;
            }
            if (input instanceof CommandReader.Input.Line l) {
                return l.text();
            }
            reply(((CommandReader.Input.Bad) input).reply());
            if (replies.full()) {
                flush();
            }
        }
    }

    private static String hostname() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            return h.isEmpty() ? "localhost" : h;
        } catch (IOException | RuntimeException e) {
            return "localhost";
        }
    }
}
