package net.rsendmail.client;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.client.cli.CommandLine.Mode;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.client.cli.Usage;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.client.config.LoadedConfig;
import net.rsendmail.client.delivery.QueueAdmin;
import net.rsendmail.client.dkim.DkimCommands;
import net.rsendmail.client.doctor.ClientDoctor;
import net.rsendmail.client.mode.Standalone;
import net.rsendmail.client.smtp.SmtpMode;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.config.ConfigException;
import net.rsendmail.doctor.Report;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;

/**
 * {@code sshsendmail}: the sending side (SPEC §3). Parses the command line, reads the config and
 * hands over to the mode. Exit codes come from {@link ExitCodes} and {@link Refusal}s only.
 */
public final class Main {
    private final PrintStream out;
    private final PrintStream err;
    private final String envConfig;

    Main(PrintStream out, PrintStream err, String envConfig) {
        this.out = out;
        this.err = err;
        this.envConfig = envConfig;
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        // whatever a library prints must not reach stdout: Postfix and some mail clients read it
        System.setOut(err);
        int code = new Main(out, err, System.getenv("SSHSENDMAIL_CONF"))
                .run(List.of(args), new FileInputStream(FileDescriptor.in));
        out.flush();
        err.flush();
        if (daemonMode(args)) {
            System.exit(code); // run the shutdown hooks
        }
        Runtime.getRuntime().halt(code);
    }

    private static boolean daemonMode(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("--daemon")) {
                return true;
            }
        }
        return false;
    }

    int run(List<String> args, InputStream stdin) {
        CommandLine cl;
        try {
            cl = CommandLineParser.parse(args);
        } catch (Refusal r) {
            return refuse(guessMode(args), r);
        }
        try {
            return dispatch(cl, stdin);
        } catch (Refusal r) {
            return refuse(cl.mode(), r);
        } catch (RuntimeException | Error e) {
            Refusal r = Refusal.temporary("internal error: " + e.getMessage());
            if (cl.verbose()) {
                e.printStackTrace(err);
            }
            return refuse(cl.mode(), r);
        }
    }

    private int dispatch(CommandLine cl, InputStream stdin) throws Refusal {
        switch (cl.mode()) {
            case VERSION:
                String v = Main.class.getPackage().getImplementationVersion();
                out.println("sshsendmail " + (v == null ? "(development build)" : v));
                return 0;
            case HELP:
                out.print(Usage.TEXT);
                return 0;
            case NEWALIASES:
                return 0; // no alias database here
            case NULLMAILER:
                return Modes.nullmailer(cl, explicitConfig(cl), stdin, err);
            case DOCTOR: {
                // the config's own errors are findings here, not a refusal
                Path explicit = explicitConfig(cl);
                Report report = new ClientDoctor(explicit != null ? explicit : ClientConfig.DEFAULT_FILE, explicit != null,
                        cl.sender(), cl.recipients(), cl.egress(), err).run();
                report.print(out, cl.json());
                return report.exitCode();
            }
            default:
                break;
        }
        LoadedConfig loaded = config(cl);
        ClientConfig config = loaded.config();
        switch (cl.mode()) {
            case SEND:
                requireDeliverable(loaded);
                break;
            case FLUSH:
            case DAEMON:
            case RUNNER:
            case POSTFIX:
                requireDelivering(loaded);
                break;
            default:
                break;
        }
        switch (cl.mode()) {
            case SEND: {
                Standalone.Queued q = Standalone.enqueue(cl, config, stdin);
                out.flush();
                if (cl.verbose()) {
                    return Modes.sendVerbose(q, config, explicitConfig(cl), err);
                }
                Standalone.startRunner(q, config, explicitConfig(cl));
                return 0;
            }
            case SMTP:
                return SmtpMode.run(cl, config, explicitConfig(cl), stdin, out, err);
            case LIST:
                return Modes.list(config, out, false);
            case LIST_JSON:
                return Modes.list(config, out, true);
            case FLUSH:
                return Modes.flush(config, explicitConfig(cl), cl.selector(), cl.verbose(), err);
            case DAEMON:
                return Modes.daemon(config, () -> requireDelivering(config(cl)).config(), cl.verbose(), err);
            case RUNNER:
                return Modes.runner(config, () -> requireDelivering(config(cl)).config(), cl.verbose(), err);
            case POSTFIX:
                return Modes.postfix(cl, config, stdin, out);
            case REQUEUE:
                return Modes.admin(cl, QueueAdmin.Operation.REQUEUE, config, explicitConfig(cl), out, err);
            case DELETE:
                return Modes.admin(cl, QueueAdmin.Operation.DELETE, config, explicitConfig(cl), out, err);
            case BOUNCE:
                return Modes.admin(cl, QueueAdmin.Operation.BOUNCE, config, explicitConfig(cl), out, err);
            case DKIM_KEYGEN:
                return DkimCommands.keygen(cl.recipients(), config.dkim(), out);
            case DKIM_RECORD:
                return DkimCommands.record(cl.recipients(), config.dkim(), out);
            default:
                throw new IllegalStateException("mode " + cl.mode());
        }
    }

    /** -C FILE, else SSHSENDMAIL_CONF, else null (the default file). */
    private Path explicitConfig(CommandLine cl) {
        if (cl.config() != null) {
            return cl.config();
        }
        if (envConfig != null && !envConfig.isEmpty()) {
            return Path.of(envConfig);
        }
        return null;
    }

    private LoadedConfig config(CommandLine cl) throws Refusal {
        Path explicit = explicitConfig(cl);
        try {
            return ClientConfigReader.read(explicit != null ? explicit : ClientConfig.DEFAULT_FILE, explicit != null);
        } catch (ConfigException e) {
            throw Refusal.config("configuration: " + e.getMessage());
        }
    }

    /** Mail that can never be delivered is refused before it is queued (Postfix's pipe turns 78 into a deferral). */
    private static void requireDeliverable(LoadedConfig loaded) throws Refusal {
        Optional<Deliverable.Problem> p = Deliverable.check(loaded.config(), loaded);
        if (p.isPresent()) {
            throw Refusal.config("configuration: " + p.get().line());
        }
    }

    /** What the delivering modes check before they deliver, at start and on SIGHUP. */
    private static LoadedConfig requireDelivering(LoadedConfig loaded) throws Refusal {
        requireDeliverable(loaded);
        Modes.requireCertificate(loaded); // reads it with the SSH library, which SEND never loads
        return loaded;
    }

    private int refuse(Mode mode, Refusal r) {
        switch (mode) {
            case POSTFIX:
                out.println(r.line());
                out.flush();
                return ExitCodes.postfix(r.exit()).code();
            case NULLMAILER:
                err.println("sshsendmail: Failed: " + r.line());
                err.flush();
                return ExitCodes.nullmailer(r.exit());
            default:
                err.println("sshsendmail: " + r.line());
                if (r.exit() == SysExit.USAGE) {
                    err.println(Usage.SYNOPSIS);
                }
                err.flush();
                return r.exit().code();
        }
    }

    private static Mode guessMode(List<String> args) {
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (a.equals("--mta=postfix")) {
                return Mode.POSTFIX;
            }
            if (a.equals("--nullmailer")) {
                return Mode.NULLMAILER;
            }
        }
        return Mode.SEND;
    }

}
