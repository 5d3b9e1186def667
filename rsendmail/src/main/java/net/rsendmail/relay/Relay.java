package net.rsendmail.relay;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.log.LogSetting;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.accept.Acceptance;
import net.rsendmail.relay.accept.Outcome;
import net.rsendmail.relay.accept.Submission;
import net.rsendmail.relay.cli.ClientRequest;
import net.rsendmail.relay.cli.Grammar;
import net.rsendmail.mail.Printable;
import net.rsendmail.relay.cli.ShellWords;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.io.IdleWatch;
import net.rsendmail.relay.lmtp.LmtpSession;
import net.rsendmail.relay.log.RequestLine;
import net.rsendmail.relay.log.RequestLog;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.transport.RecipientReply;
import net.rsendmail.relay.transport.Transport;
import net.rsendmail.relay.transport.Transports;

/**
 * One relay request from start to end (SPEC §2.3): trusted options, the client's words, the
 * policy, then the mode: plain runs one message through {@link Acceptance}, {@code --lmtp} a
 * session of them. Every failure is one line on stderr (or an LMTP reply) and a log line.
 */
public final class Relay {
    private final PrintStream out;
    private final PrintStream err;
    private final Runnable idleEnd;
    private IdleWatch watch;
    private Transport transport;

    private LogSetting logTarget = RelayConfig.defaults().log();
    private RequestLine line = new RequestLine("plain");

    /** A relay process: an idle client ends the JVM ({@link IdleWatch#HALT}). */
    public Relay(PrintStream out, PrintStream err) {
        this(out, err, IdleWatch.HALT);
    }

    /** A relay in a process that serves others: {@code idleEnd} ends this request's session alone. */
    public Relay(PrintStream out, PrintStream err, Runnable idleEnd) {
        this.out = out;
        this.err = err;
        this.idleEnd = idleEnd;
    }

    /** Runs one request and returns the exit code; prints nothing on success, one line on failure. */
    public int run(String[] argv, String sshOriginalCommand, InputStream in) {
        try {
            return handle(argv, sshOriginalCommand, in);
        } catch (Refusal r) {
            return fail(r);
        } catch (RuntimeException e) {
            // A bug must not lose mail: the client keeps it and retries.
            return fail(Refusal.temporary("internal error: " + Printable.of(String.valueOf(e.getMessage()), 200)));
        } finally {
            if (watch != null) {
                watch.close();
            }
            if (transport != null) {
                transport.close(); // the SMTP connection of this channel, QUIT said
            }
        }
    }

    private int fail(Refusal r) {
        err.println(r.line());
        err.flush();
        line.write(logTarget, true, Acceptance.refused(r));
        return r.exit().code();
    }

    private int handle(String[] argv, String sshOriginalCommand, InputStream in) throws Refusal {
        TrustedArgs trusted = TrustedArgs.parse(argv);
        if (trusted.check()) {
            if (sshOriginalCommand != null) {
                throw Refusal.config("--check is for the relay's admin, not for a forced command");
            }
            return Check.run(trusted, out, err);
        }
        RelayConfig config;
        try {
            config = RelayConfigReader.load(trusted.config(), trusted.configExplicit());
        } catch (ConfigException e) {
            throw Refusal.config("relay configuration: " + e.getMessage());
        }
        try {
            RequestLog.open(config.log()); // a log that cannot be written: refused now, not lines lost later
        } catch (ConfigException e) {
            throw Refusal.config("relay configuration: " + e.getMessage());
        }
        logTarget = config.log();
        Policy policy = config.policy(trusted.policy());
        if (policy == null) {
            throw Refusal.config("no [policy " + trusted.policy() + "] in " + trusted.config());
        }
        line.policy(policy.name());

        ClientRequest request = Grammar.parse(clientWords(trusted, sshOriginalCommand), policy.allowBareLocal());
        watch = new IdleWatch(config.idleTimeout() * 1000, idleEnd);
        transport = Transports.open(policy.transport(), config.sendmail(), config.mtaTimeout());
        switch (request.mode()) {
            case VERSION:
                out.println("rsendmail " + Version.get());
                out.flush();
                return SysExit.OK.code();
            case HELP:
                out.print(Grammar.USAGE);
                out.flush();
                return SysExit.OK.code();
            case LMTP:
                line = new RequestLine("lmtp").policy(policy.name());
                if (!policy.allowLmtp()) {
                    throw Refusal.policy("batch mode (--lmtp) not allowed for this key");
                }
                Acceptance lmtp = new Acceptance(config, policy, transport, watch, "lmtp");
                return new LmtpSession(in, out, lmtp, config.stateDir(), watch).run();
            default:
                break;
        }
        line.sender(request.sender()).recipients(request.recipients());
        Acceptance acceptance = new Acceptance(config, policy, transport, watch, "plain");
        watch.onExpiry(() -> {
            Refusal r = new Refusal(SysExit.TEMPFAIL, "4.4.2", "idle timeout: no input for " + config.idleTimeout()
                    + " s, nothing handed over");
            err.println(r.line());
            err.flush();
            line.write(logTarget, true, Acceptance.refused(r));
        });
        watch.start();
        Outcome o = acceptance.accept(new Submission(request.sender(), request.recipients(),
                request.extractRecipients(), null), watch.watched(in));
        if (o instanceof Outcome.Refused r) {
            err.println(r.refusal().line());
            err.flush();
            return r.refusal().exit().code();
        }
        if (o instanceof Outcome.Handed h && h.worst().isPresent()) {
            // One answer for the whole message: the worst recipient's, through the one exit-code table.
            RecipientReply.Failed f = h.worst().get();
            err.println(f.reply().statusOrDefault() + " " + Printable.of(f.recipient()) + ": "
                    + Printable.of(f.reply().text(), 400));
            err.flush();
            return SysExit.ofReply(f.reply().code(), f.reply().status()).code();
        }
        return SysExit.OK.code();
    }

    private static List<String> clientWords(TrustedArgs trusted, String sshOriginalCommand) throws Refusal {
        if (sshOriginalCommand == null) {
            return trusted.rest();
        }
        if (!trusted.rest().isEmpty()) {
            throw Refusal.config("forced command has words besides --config and --policy: "
                    + Printable.of(trusted.rest().get(0)));
        }
        List<String> words = ShellWords.split(sshOriginalCommand);
        if (words.isEmpty()) {
            throw Refusal.usage("empty command");
        }
        Grammar.checkProgram(words.get(0));
        return words.subList(1, words.size());
    }
}
