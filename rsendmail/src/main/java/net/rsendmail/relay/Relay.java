package net.rsendmail.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.rsendmail.config.ConfigException;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.cli.ClientRequest;
import net.rsendmail.relay.cli.Grammar;
import net.rsendmail.relay.cli.Printable;
import net.rsendmail.relay.cli.ShellWords;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.relay.lmtp.LmtpSession;
import net.rsendmail.relay.log.RequestLog;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.policy.PolicyGate;
import net.rsendmail.relay.policy.RateLimiter;
import net.rsendmail.relay.spool.Spool;
import net.rsendmail.relay.transport.SendmailTransport;

/**
 * One relay request from start to end (SPEC §2.3): trusted options, the client's words, the
 * policy, the message, the hand-over, one log line and a sysexits code.
 */
public final class Relay {
    private final PrintStream out;
    private final PrintStream err;
    private final long started = System.nanoTime();

    private String logTarget = "syslog";
    private String policyName = "-";
    private String sender;
    private List<String> recipients = List.of();
    private long size;
    /** Set by modes that answer for themselves (--version, --lmtp): their exit code, no request log line. */
    private int ownExit = -1;

    public Relay(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one request and returns the exit code; prints nothing on success, one line on failure. */
    public int run(String[] argv, String sshOriginalCommand, InputStream in) {
        try {
            handle(argv, sshOriginalCommand, in);
            if (ownExit >= 0) {
                return ownExit;
            }
            log(false, "sent");
            return SysExit.OK.code();
        } catch (Refusal r) {
            err.println(r.line());
            err.flush();
            log(true, "refused " + r.exit().code() + " " + r.line());
            return r.exit().code();
        } catch (RuntimeException e) {
            // A bug must not lose mail: the client keeps it and retries.
            Refusal r = Refusal.temporary("internal error: " + e);
            err.println(r.line());
            log(true, "failed " + r.exit().code() + " " + r.line());
            return r.exit().code();
        }
    }

    private void handle(String[] argv, String sshOriginalCommand, InputStream in) throws Refusal {
        TrustedArgs trusted = TrustedArgs.parse(argv);
        RelayConfig config;
        try {
            config = RelayConfigReader.load(trusted.config(), trusted.configExplicit());
        } catch (ConfigException e) {
            throw Refusal.config("relay configuration: " + e.getMessage());
        }
        logTarget = config.log();
        Policy policy = config.policy(trusted.policy());
        if (policy == null) {
            throw Refusal.config("no [policy " + trusted.policy() + "] in " + trusted.config());
        }
        policyName = policy.name();

        List<String> words = clientWords(trusted, sshOriginalCommand);
        ClientRequest request = Grammar.parse(words, policy.allowBareLocal());
        switch (request.mode()) {
            case VERSION:
                out.println("rsendmail " + Version.get());
                out.flush();
                ownExit = 0;
                return;
            case LMTP:
                if (!policy.allowLmtp()) {
                    throw Refusal.policy("batch mode (--lmtp) not allowed for this key");
                }
                try {
                    ownExit = new LmtpSession(in, out, policy, config, LmtpSession.IDLE_TIMEOUT_MS).run();
                } catch (IOException e) {
                    ownExit = SysExit.TEMPFAIL.code(); // the channel broke; every reply not sent means "try again"
                }
                return;
            default:
                break;
        }
        sender = request.sender();
        recipients = request.recipients();
        if (request.extractRecipients() && !policy.allowExtract()) {
            throw Refusal.policy("-t not allowed for this key");
        }
        if (sender != null) {
            PolicyGate.checkSender(policy, sender);
        }
        PolicyGate.checkRecipients(policy, recipients);
        if (recipients.isEmpty() && !request.extractRecipients()) {
            throw Refusal.usage("no recipients");
        }

        try (Spool spool = Spool.read(in, policy.maxSize(), config.spoolDir())) {
            size = spool.size();
            List<int[]> skip = List.of();
            boolean needHeaders = request.extractRecipients() || policy.headerFromMatch() || sender == null;
            if (needHeaders) {
                HeaderBlock headers = HeaderBlock.parse(spool.head(), spool.headLength());
                if (headers.end() == spool.headLength() && spool.hasMore()) {
                    throw Refusal.data("header section larger than " + Spool.MEMORY + " bytes");
                }
                if (request.extractRecipients()) {
                    recipients = withHeaderRecipients(policy, headers);
                    skip = headers.rangesOf("Bcc");
                }
                List<String> from = headerAddresses(headers, "From");
                if (policy.headerFromMatch()) {
                    PolicyGate.checkHeaderFrom(policy, from);
                }
                if (sender == null) {
                    sender = PolicyGate.defaultSender(policy, from);
                }
            }
            if (policy.maxPerHour() > 0) {
                new RateLimiter(config.stateDir(), policy.name(), policy.maxPerHour())
                        .acquire(System.currentTimeMillis() / 1000);
            }
            new SendmailTransport(config.sendmail()).deliver(sender, recipients, spool, skip);
        }
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

    /** -t: command-line recipients plus To, Cc and Bcc (RFC 5322 §3.6.3), without duplicates, in order. */
    private List<String> withHeaderRecipients(Policy policy, HeaderBlock headers) throws Refusal {
        Set<String> all = new LinkedHashSet<>(recipients);
        for (String a : headerAddresses(headers, "To", "Cc", "Bcc")) {
            try {
                all.add(Mailbox.parse(a, policy.allowBareLocal()).toString());
            } catch (AddressException e) {
                throw Refusal.data("bad address in header (" + e.getMessage() + "): " + Printable.of(a));
            }
        }
        if (all.isEmpty()) {
            throw Refusal.data("no recipients in To, Cc or Bcc");
        }
        List<String> list = new ArrayList<>(all);
        PolicyGate.checkRecipients(policy, list);
        return List.copyOf(list);
    }

    private static List<String> headerAddresses(HeaderBlock headers, String... names) throws Refusal {
        try {
            return headers.addresses(names);
        } catch (AddressException e) {
            throw Refusal.data("unparsable header: " + e.getMessage());
        }
    }

    private void log(boolean failure, String outcome) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        StringBuilder b = new StringBuilder(128);
        b.append("policy=").append(policyName)
                .append(" from=<").append(sender == null ? "" : Printable.of(sender)).append('>')
                .append(" nrcpt=").append(recipients.size())
                .append(" to=");
        int shown = 0;
        for (String r : recipients) {
            if (shown > 0) {
                b.append(',');
            }
            if (shown++ == 10) {
                b.append("...");
                break;
            }
            b.append('<').append(Printable.of(r)).append('>');
        }
        b.append(" size=").append(size).append(" duration_ms=").append(ms).append(" status=").append(outcome);
        RequestLog.write(logTarget, failure, b.toString());
    }
}
