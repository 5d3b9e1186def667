package net.rsendmail.client.mode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.delivery.SyncDelivery;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;
import org.slf4j.Logger;

/**
 * {@code sshsendmail --mta=postfix -V ${queue_id} -f ${sender} -- ${recipient}} as a Postfix
 * pipe(8) transport: synchronous, Postfix keeps the queue. The message goes to the relay
 * unchanged, as one LMTP transaction with Postfix's queue id in its ENVID when the relay offers
 * LMTP; the exit code (SPEC §3.4, one for all recipients: {@link ExitCodes#summary}) tells Postfix
 * to defer (75) or bounce (other codes), and one line {@code X.Y.Z text} on stdout becomes the
 * reason in Postfix's log and DSN.
 */
public final class PostfixPipe {
    /** What pipe(8) passes for the null sender unless {@code null_sender=} says otherwise. */
    static final String MAILER_DAEMON = "MAILER-DAEMON";

    private PostfixPipe() {
    }

    public static int run(CommandLine cl, ClientConfig config, InputStream stdin, PrintStream out) throws Refusal {
        String domain = Identity.domain(config.domain());
        String sender = cl.sender() == null ? "" : cl.sender();
        // pipe(8) without null_sender= passes the null sender as MAILER-DAEMON: bounces leave with <>
        if (sender.equals(MAILER_DAEMON)) {
            sender = "";
        }
        if (!sender.isEmpty()) {
            sender = qualify(sender, domain, true);
        }
        List<String> rcpts = new ArrayList<>();
        for (String r : cl.recipients()) {
            rcpts.add(qualify(r, domain, false));
        }
        if (rcpts.isEmpty()) {
            throw Refusal.usage("no recipients (master.cf: argv=... -- ${recipient})");
        }
        String envid = envid(cl.envid());
        // pipe(8) takes stdout and stderr as the reason text: logs must not go there
        LogSetting setting = config.log().target() instanceof LogTarget.Stderr ? config.log().with(LogTarget.NONE)
                : config.log();
        ClientLog.init(setting, cl.verbose(), System.err);
        Logger log = ClientLog.get("postfix");
        Outcome o;
        try (Spool spool = Spool.read(stdin); SshSender ssh = new SshSender(config)) {
            o = SyncDelivery.deliver(config, ssh, new Transaction(sender, rcpts, envid, spool.size()), spool);
            log.info("postfix envid={} from=<{}> to={} size={} {}", envid == null ? "-" : envid, sender, rcpts,
                    spool.size(), o.line());
        } catch (IOException e) {
            o = Outcome.temporary(Outcome.Cause.LOCAL_IO, "4.3.0", "cannot read the message from Postfix: " + e.getMessage());
        }
        out.println(o.isDelivered() ? "2.0.0 delivered to the relay" : o.line());
        out.flush();
        return ExitCodes.postfix(ExitCodes.sysexit(o)).code();
    }

    /**
     * {@code -V ${queue_id}}: the ENVID that makes Postfix's retry after a lost acknowledgement
     * exactly-once ({@link MtaEnvid}); without it, none. A bad value is a master.cf mistake: Postfix
     * defers (78 becomes 75) until it is fixed.
     */
    private static String envid(String queueId) throws Refusal {
        if (queueId == null) {
            return null;
        }
        try {
            return MtaEnvid.of("postfix", MtaEnvid.machineTag(), queueId);
        } catch (IllegalArgumentException e) {
            throw Refusal.config("-V " + CommandLineParser.show(queueId) + ": " + e.getMessage()
                    + " (master.cf: argv=... -V ${queue_id} ...)");
        }
    }

    private static String qualify(String a, String domain, boolean sender) throws Refusal {
        try {
            Mailbox m = Mailbox.parse(a, true);
            return m.isBare() ? m + "@" + domain : m.toString();
        } catch (AddressException e) {
            String what = "bad " + (sender ? "sender" : "recipient") + " address (" + e.getMessage() + "): "
                    + CommandLineParser.show(a);
            throw sender ? Refusal.badSender(what) : Refusal.badRecipient(what);
        }
    }
}
