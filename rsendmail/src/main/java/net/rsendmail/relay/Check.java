package net.rsendmail.relay;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import net.rsendmail.config.ConfigException;
import net.rsendmail.log.LogSetting;
import net.rsendmail.log.LogTarget;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.relay.log.RequestLog;
import net.rsendmail.relay.policy.AddressPattern;
import net.rsendmail.relay.policy.Policy;
import net.rsendmail.relay.transport.SmtpSettings;
import net.rsendmail.relay.transport.TransportSetting;
import net.rsendmail.relay.state.StateDir;

/**
 * {@code rsendmail --check [--config FILE]}: what an admin runs after editing the config. It reads
 * the config, checks {@code state_dir} and the MTA's sendmail program, and prints every policy as
 * it takes effect. Exit 0, or 78 with one line per problem.
 */
final class Check {
    private Check() {
    }

    static int run(TrustedArgs args, PrintStream out, PrintStream err) {
        RelayConfig config;
        try {
            config = RelayConfigReader.load(args.config(), args.configExplicit());
        } catch (ConfigException e) {
            err.println("rsendmail: " + e.getMessage());
            return SysExit.CONFIG.code();
        }
        List<String> problems = new ArrayList<>();
        out.println("config " + (Files.exists(args.config()) ? args.config() : "(none: built-in defaults)"));
        Path sendmail = config.sendmail();
        if (!Files.isRegularFile(sendmail)) {
            problems.add("sendmail " + sendmail + ": no such file");
        } else if (!Files.isExecutable(sendmail)) {
            problems.add("sendmail " + sendmail + ": not executable");
        }
        out.println("sendmail " + sendmail);
        Path state = config.stateDir();
        if (!Files.exists(state) && state.getParent() != null && Files.isDirectory(state.getParent())) {
            // Not made here: run as root, this would leave a directory the relay's user cannot write.
            out.println("state_dir " + state + " (missing: made mode 0700 at first use)");
        } else {
            try {
                StateDir.check(state);
            } catch (Refusal r) {
                problems.add(r.reason());
            }
            out.println("state_dir " + state);
        }
        out.println("spool_dir " + config.spoolDir());
        checkLog(config.log()).ifPresent(problems::add);
        out.println("log " + config.log().target().word() + (config.log().file() == null ? " (default)" : ""));
        out.println("idle_timeout " + config.idleTimeout());
        out.println("mta_timeout " + config.mtaTimeout());
        out.println("default_policy " + config.defaultPolicy()
                + (config.policies().containsKey(config.defaultPolicy()) ? "" : " (built-in defaults)"));
        TreeMap<String, Policy> policies = new TreeMap<>(config.policies());
        policies.putIfAbsent(config.defaultPolicy(), config.policy(null));
        if (args.policy() != null && !policies.containsKey(args.policy())) {
            problems.add("no [policy " + args.policy() + "] in " + args.config());
        }
        for (Policy p : policies.values()) {
            if (args.policy() == null || args.policy().equals(p.name())) {
                print(p, out);
            }
        }
        out.flush();
        for (String p : problems) {
            err.println("rsendmail: " + p);
        }
        return problems.isEmpty() ? SysExit.OK.code() : SysExit.CONFIG.code();
    }

    /**
     * Whether the relay can open its log. A file is not made here: run as root, that would leave
     * a file the relay's user cannot write; its directory must exist.
     */
    private static Optional<String> checkLog(LogSetting log) {
        if (log.target() instanceof LogTarget.File f) {
            Path dir = f.path().getParent();
            return Files.isDirectory(dir) ? Optional.empty()
                    : Optional.of(new ConfigException(log.file(), log.line(), "log " + f.word() + ": no directory " + dir)
                            .getMessage());
        }
        try {
            RequestLog.open(log);
            return Optional.empty();
        } catch (ConfigException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static void print(Policy p, PrintStream out) {
        out.println();
        out.println("[policy " + p.name() + "]");
        out.println("senders " + patterns(p.senders()));
        out.println("recipients " + patterns(p.recipients()));
        out.println("header_from_match " + yes(p.headerFromMatch()));
        out.println("null_sender " + yes(p.nullSender()));
        out.println("max_size " + p.maxSize());
        out.println("max_recipients " + p.maxRecipients());
        out.println("max_per_hour " + p.maxPerHour() + (p.maxPerHour() == 0 ? " (no limit)" : ""));
        out.println("allow_t " + yes(p.allowExtract()));
        out.println("allow_bare_local " + yes(p.allowBareLocal()));
        out.println("lmtp " + yes(p.allowLmtp()));
        if (p.transport() instanceof TransportSetting.Smtp smtp) {
            SmtpSettings t = smtp.settings();
            out.println("transport " + t.name() + " smtp_tls " + t.tls().name().toLowerCase(java.util.Locale.ROOT)
                    + t.auth().map(a -> " smtp_auth " + a.mechanism() + " smtp_user " + a.user()).orElse(""));
        } else {
            out.println("transport sendmail");
        }
    }

    private static String patterns(List<AddressPattern> list) {
        if (list.isEmpty()) {
            return "(any)";
        }
        StringBuilder b = new StringBuilder();
        for (AddressPattern a : list) {
            b.append(b.length() > 0 ? " " : "").append(a.text());
        }
        return b.toString();
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
