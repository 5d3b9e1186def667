package net.rsendmail.relay.serve;

import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.TrustedArgs;
import net.rsendmail.relay.cli.Grammar;
import net.rsendmail.relay.cli.ShellWords;

/**
 * The trusted options of a forced command: an authorized_keys {@code command="…"} or a
 * certificate's {@code force-command} critical option. Only {@code rsendmail [--config F]
 * [--policy NAME]} is accepted and only those two are read (SPEC §2.1), so the same text works
 * for OpenSSH's forced command and for serve.
 *
 * @param config the --config value, or null
 * @param policy the --policy value, or null
 */
record Forced(String config, String policy) {
    static final Forced NONE = new Forced(null, null);

    /** Parses {@code command}; {@code what} names where it came from in the reason it is refused. */
    static Forced parse(String what, String command) {
        try {
            List<String> words = ShellWords.split(command);
            if (words.isEmpty()) {
                throw new IllegalArgumentException(what + " is empty");
            }
            Grammar.checkProgram(words.get(0));
            List<String> args = words.subList(1, words.size());
            TrustedArgs t = TrustedArgs.parse(args.toArray(new String[0]));
            if (t.check() || !t.rest().isEmpty()) {
                throw new IllegalArgumentException(what + ": only --config and --policy may follow rsendmail");
            }
            return new Forced(t.configExplicit() ? t.config().toString() : null, t.policy());
        } catch (Refusal r) {
            throw new IllegalArgumentException(what + ": " + r.getMessage());
        }
    }

    /** The options as the relay takes them, --config first. */
    List<String> argv() {
        List<String> out = new ArrayList<>();
        if (config != null) {
            out.add("--config");
            out.add(config);
        }
        if (policy != null) {
            out.add("--policy");
            out.add(policy);
        }
        return List.copyOf(out);
    }
}
