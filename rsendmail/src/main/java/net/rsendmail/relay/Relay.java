package net.rsendmail.relay;

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
import net.rsendmail.relay.log.RequestLog;
import net.rsendmail.relay.policy.Policy;
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

    public Relay(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs one request and returns the exit code; prints nothing on success, one line on failure. */
    public int run(String[] argv, String sshOriginalCommand, InputStream in) {
        try {
            handle(argv, sshOriginalCommand, in);
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
                return;
            case LMTP:
                throw Refusal.usage("batch mode (--lmtp) is not available on this relay");
            default:
                break;
        }
        sender = request.sender();
        recipients = request.recipients();
        if (request.extractRecipients() && !policy.allowExtract()) {
            throw Refusal.policy("-t not allowed for this key");
        }
        if (sender != null) {
            checkSender(policy, sender);
        }
        checkRecipients(policy, recipients);
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
                    checkHeaderFrom(policy, from);
                }
                if (sender == null) {
                    sender = defaultSender(policy, from);
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

    private static void checkSender(Policy policy, String sender) throws Refusal {
        if (sender.isEmpty()) {
            if (!policy.nullSender()) {
                throw Refusal.policy("null sender not allowed for this key");
            }
            return;
        }
        if (!policy.senderAllowed(sender)) {
            throw Refusal.policy("sender not allowed for this key: " + sender);
        }
    }

    private static void checkRecipients(Policy policy, List<String> recipients) throws Refusal {
        if (recipients.size() > policy.maxRecipients()) {
            throw Refusal.tooManyRecipients("too many recipients: " + recipients.size() + ", at most "
                    + policy.maxRecipients() + " for this key");
        }
        for (String r : recipients) {
            if (!policy.recipientAllowed(r)) {
                throw Refusal.policy("recipient not allowed for this key: " + r);
            }
        }
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
        checkRecipients(policy, list);
        return List.copyOf(list);
    }

    private static List<String> headerAddresses(HeaderBlock headers, String... names) throws Refusal {
        try {
            return headers.addresses(names);
        } catch (AddressException e) {
            throw Refusal.data("unparsable header: " + e.getMessage());
        }
    }

    private static void checkHeaderFrom(Policy policy, List<String> from) throws Refusal {
        if (from.isEmpty()) {
            throw Refusal.policy("header From missing; this key must send with an allowed From");
        }
        for (String f : from) {
            if (!policy.senderAllowed(f)) {
                throw Refusal.policy("header From not allowed for this key: " + Printable.of(f));
            }
        }
    }

    /** No -f: the single From address, like a user expects; none and a sender list means refusal. */
    private static String defaultSender(Policy policy, List<String> from) throws Refusal {
        if (from.size() == 1 && Mailbox.isValid(from.get(0), false)) {
            checkSender(policy, from.get(0));
            return from.get(0);
        }
        if (!policy.senders().isEmpty()) {
            throw Refusal.policy("no envelope sender (-f) and no single From address to take it from");
        }
        return null;
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
