package net.rsendmail.client.smtp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.message.MessagePreparer;
import net.rsendmail.client.mode.Standalone;
import net.rsendmail.io.BufferedInput;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.mail.Printable;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.smtp.Command;
import net.rsendmail.smtp.CommandParser;
import net.rsendmail.smtp.CommandReader;
import net.rsendmail.smtp.DotCodec;
import net.rsendmail.smtp.Replies;
import net.rsendmail.smtp.ReplyWriter;
import org.slf4j.Logger;

/**
 * {@code sshsendmail -bs}: SMTP (RFC 5321) on stdin/stdout, as Symfony Mailer, Laravel and
 * Swiftmailer speak it to {@code sendmail -bs}. Each message goes through the very path of a
 * sendmail call ({@link MessagePreparer} for the addresses, {@link Standalone#enqueue} for the
 * message) and is durably queued before its 250; several messages per session. Extensions:
 * PIPELINING (RFC 2920), ENHANCEDSTATUSCODES (RFC 2034), 8BITMIME (RFC 6152), SMTPUTF8 (RFC 6531),
 * SIZE (RFC 1870, no limit of its own). A session that breaks (input ends inside DATA, too many
 * bad commands, the idle time limit) queues nothing it has not read to the end; the background
 * runner starts once, when the session ends, if anything was queued.
 */
public final class SmtpSession {
    /** RFC 5321 §4.5.3.2.7: a server waits 5 minutes for the next command. */
    public static final long IDLE_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(5);
    /** Protocol errors before the session is closed (Postfix: smtpd_hard_error_limit 20). */
    static final int MAX_ERRORS = 20;
    /** RFC 5321 §4.5.3.1.8 asks for at least 100; the bound keeps memory small. */
    static final int MAX_RECIPIENTS = 1000;

    /** How the session ended: the exit code and how many messages it queued. */
    public record Result(int exit, int queued) {
    }

    private final BufferedInputStream in;
    private final CommandReader commands;
    private final CommandLine cl;
    private final ClientConfig config;
    private final Path explicitConfig;
    private final IdleWatch watch;
    private final Logger log;
    private final MessagePreparer addresses;
    private final String hostname;
    private final ReplyWriter replies;
    private final AtomicBoolean runnerStarted = new AtomicBoolean();

    private boolean greeted;
    private int errors;
    private volatile int queued;
    private volatile Standalone.Queued last;

    // The open transaction.
    private String sender;
    private final List<String> recipients = new ArrayList<>();

    /**
     * @param cl     the -bs command line: -F and -v apply to every message
     * @param watch  the idle time limit; its end action ends the session
     */
    public SmtpSession(InputStream in, OutputStream out, CommandLine cl, ClientConfig config, Path explicitConfig,
                       IdleWatch watch, Logger log) {
        this.in = new BufferedInput(watch.watched(in), 64 * 1024);
        this.replies = new ReplyWriter(out);
        this.commands = new CommandReader(this.in);
        this.cl = cl;
        this.config = config;
        this.explicitConfig = explicitConfig;
        this.watch = watch;
        this.log = log;
        Identity id = Identity.of(config.domain());
        this.addresses = new MessagePreparer(id);
        this.hostname = id.domain();
    }

    /** Serves until QUIT or end of input, then starts the runner for what was queued. */
    public Result run() {
        watch.onExpiry(this::idleFarewell);
        watch.start();
        try {
            return new Result(serve(), queued);
        } catch (IOException e) {
            log.warn("-bs: connection lost: {}{}", e.getMessage(), openTransaction());
            return new Result(SysExit.TEMPFAIL.code(), queued);
        } catch (RuntimeException e) {
            // never silent: the client hears why the session ends, the log says it too
            String why = "internal error, closing: " + Printable.of(String.valueOf(e.getMessage()), 200);
            log.error("-bs: {}{}", why, openTransaction());
            reply("421 4.3.0 " + why);
            try {
                flush();
            } catch (IOException gone) {
                // the client is gone too; the log line stays
            }
            return new Result(SysExit.TEMPFAIL.code(), queued);
        } finally {
            watch.close();
            startRunner();
        }
    }

    private int serve() throws IOException {
        reply("220 " + hostname + " ESMTP sshsendmail ready");
        while (true) {
            if (in.available() == 0) {
                flush(); // PIPELINING: replies wait until the pipelined commands are all read
            }
            CommandReader.Input input = commands.next();
            if (input instanceof CommandReader.Input.End) {
                flush();
                if (sender != null) {
                    log.warn("-bs: input ended inside a transaction, nothing queued{}", openTransaction());
                    return SysExit.TEMPFAIL.code();
                }
                return SysExit.OK.code();
            }
            boolean more = input instanceof CommandReader.Input.Line l
                    ? command(CommandParser.parse(l.text()))
                    : error(((CommandReader.Input.Bad) input).reply());
            if (!more) {
                flush();
                return errors > MAX_ERRORS ? SysExit.TEMPFAIL.code() : SysExit.OK.code();
            }
            if (replies.full()) {
                flush();
            }
        }
    }

    /** Handles one command; false when the session is over. */
    private boolean command(Command c) throws IOException {
        if (c instanceof Command.Hello h) {
            if (h.verb().equals("LHLO")) {
                return error("500 5.5.1 this is SMTP: use EHLO or HELO");
            }
            reset();
            greeted = true;
            if (h.verb().equals("HELO")) {
                reply("250 " + hostname);
            } else {
                reply("250-" + hostname);
                reply("250-PIPELINING");
                reply("250-ENHANCEDSTATUSCODES");
                reply("250-8BITMIME");
                reply("250-SMTPUTF8");
                reply("250-SIZE");
                reply("250 HELP");
            }
        } else if (c instanceof Command.Mail m) {
            if (m.requireTls()) {
                // not offered here (RFC 8689 §4.1); taking it and dropping it would weaken the sender's request
                return error("555 5.5.4 unsupported MAIL parameter: REQUIRETLS");
            }
            return mail(m.address());
        } else if (c instanceof Command.Rcpt r) {
            return rcpt(r.address());
        } else if (c instanceof Command.Data) {
            return data();
        } else if (c instanceof Command.Rset) {
            reset();
            reply(Replies.RESET);
        } else if (c instanceof Command.Noop) {
            reply(Replies.OK);
        } else if (c instanceof Command.Quit) {
            reply(Replies.closing(hostname));
            return false;
        } else if (c instanceof Command.Vrfy) {
            // RFC 5321 §3.5.3: 252 when the address is not verified but mail for it is taken
            reply("252 2.5.0 cannot VRFY user, but will accept message and attempt delivery");
        } else if (c instanceof Command.Help) {
            reply("214 2.0.0 commands: EHLO HELO MAIL RCPT DATA RSET NOOP VRFY HELP QUIT");
        } else if (c instanceof Command.NotImplemented n) {
            return error(Replies.notImplemented(n.verb()));
        } else if (c instanceof Command.Unknown u) {
            return error(Replies.unknown(u.verb()));
        } else {
            return error(((Command.Invalid) c).line());
        }
        return true;
    }

    private boolean mail(String from) {
        if (!greeted) {
            return error("503 5.5.1 EHLO or HELO first");
        }
        if (sender != null) {
            return error("503 5.5.1 nested MAIL command");
        }
        try {
            sender = addresses.sender(from);
        } catch (Refusal r) {
            return refused(r);
        }
        reply("250 2.1.0 sender <" + sender + "> OK");
        return true;
    }

    private boolean rcpt(String to) {
        if (sender == null) {
            return error("503 5.5.1 MAIL first");
        }
        if (recipients.size() >= MAX_RECIPIENTS) {
            reply("452 4.5.3 too many recipients: at most " + MAX_RECIPIENTS + " per message");
            return true;
        }
        String rcpt;
        try {
            rcpt = addresses.recipient(to);
        } catch (Refusal r) {
            return refused(r);
        }
        recipients.add(rcpt);
        reply("250 2.1.5 recipient <" + rcpt + "> OK");
        return true;
    }

    private boolean data() throws IOException {
        if (sender == null) {
            return error("503 5.5.1 MAIL first");
        }
        if (recipients.isEmpty()) {
            return error("503 5.5.1 no valid recipients");
        }
        reply("354 end data with <CR><LF>.<CR><LF>");
        flush();
        DotCodec.Decoder body = new DotCodec.Decoder(in);
        try {
            Standalone.Queued q = Standalone.enqueue(cl.forMessage(sender, recipients), config, body);
            queued++;
            last = q;
            log.info("-bs: queued {} from <{}> to {} recipient(s)", q.id(), sender, recipients.size());
            reply("250 2.0.0 queued as " + q.id());
        } catch (Refusal r) {
            if (body.cut()) {
                throw new java.io.EOFException("input ended inside DATA, nothing queued");
            }
            body.drain(); // refused before the end (a NUL byte, a header too large): stay in step
            refused(r);
        } finally {
            reset();
        }
        return true;
    }

    /** A protocol error: its reply; after {@link #MAX_ERRORS} of them the session closes. */
    private boolean error(String reply) {
        reply(reply);
        if (++errors > MAX_ERRORS) {
            reply("421 4.7.0 " + hostname + " too many errors, closing");
            log.warn("-bs: more than {} protocol errors, closing{}", MAX_ERRORS, openTransaction());
            return false;
        }
        return true;
    }

    /** A refused address or message: the reply and a log line with the same text. */
    private boolean refused(Refusal r) {
        reply(Replies.line(r));
        log.warn("-bs: refused: {}", r.line());
        return true;
    }

    private void reset() {
        sender = null;
        recipients.clear();
    }

    private String openTransaction() {
        return sender == null ? "" : " (open transaction from <" + Printable.of(sender) + ">, "
                + recipients.size() + " recipient(s))";
    }

    /** The idle watch's farewell: a 421 if stdout takes it, the log line, and the runner for what was queued. */
    private void idleFarewell() {
        log.warn("-bs: idle for {} s, closing; {} message(s) queued before{}", watch.timeoutMs() / 1000, queued,
                openTransaction());
        replies.farewell("421 4.4.2 " + hostname + " idle timeout, closing");
        startRunner();
    }

    /** Once per session, and only if something was queued (Standalone decides whether one is needed). */
    private void startRunner() {
        Standalone.Queued q = last;
        if (q != null && runnerStarted.compareAndSet(false, true)) {
            Standalone.startRunner(q, config, explicitConfig);
        }
    }

    private void reply(String line) {
        replies.add(line);
    }

    private void flush() throws IOException {
        replies.flush();
    }
}
