package net.rsendmail.relay;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.config.RelayConfig;

/**
 * The options only the relay's admin may give, at the start of argv (SPEC §2.1): {@code --config
 * FILE}, {@code --policy NAME} and {@code --check}. Whatever follows is the client's request when
 * there is no SSH_ORIGINAL_COMMAND.
 */
public record TrustedArgs(Path config, boolean configExplicit, String policy, boolean check, List<String> rest) {

    public static TrustedArgs parse(String[] argv) throws Refusal {
        Path config = RelayConfig.DEFAULT_FILE;
        boolean explicit = false;
        String policy = null;
        boolean check = false;
        int i = 0;
        while (i < argv.length) {
            String a = argv[i];
            String value;
            String opt;
            if (a.equals("--check")) {
                check = true;
                i++;
                continue;
            }
            if (a.equals("--config") || a.equals("--policy")) {
                if (i + 1 >= argv.length) {
                    throw Refusal.config(a + " needs a value in the forced command");
                }
                opt = a;
                value = argv[i + 1];
                i += 2;
            } else if (a.startsWith("--config=") || a.startsWith("--policy=")) {
                opt = a.substring(0, 8);
                value = a.substring(9);
                i++;
            } else {
                break;
            }
            if (value.isEmpty()) {
                throw Refusal.config(opt + " needs a value in the forced command");
            }
            if (opt.equals("--config")) {
                config = Path.of(value);
                explicit = true;
            } else {
                policy = value;
            }
        }
        return new TrustedArgs(config, explicit, policy, check, Arrays.asList(argv).subList(i, argv.length));
    }
}
