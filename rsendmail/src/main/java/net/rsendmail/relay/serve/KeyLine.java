package net.rsendmail.relay.serve;

import java.net.InetAddress;
import java.security.PublicKey;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.TrustedArgs;
import net.rsendmail.relay.cli.Grammar;
import net.rsendmail.relay.cli.ShellWords;
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * One authorized_keys line as serve applies it (sshd(8), AUTHORIZED_KEYS FILE FORMAT). Enforced:
 * {@code command="… rsendmail [--config F] [--policy NAME]"} (only those trusted options are read
 * from it, so one file serves OpenSSH's forced command and serve), {@code from=} and
 * {@code expiry-time=}. {@code restrict} and the {@code no-*} options are accepted: serve grants
 * none of what they take away. Any other option refuses the line, never ignored.
 *
 * @param trusted the trusted options from {@code command=}, empty when there is none
 */
record KeyLine(int number, PublicKey key, String fingerprint, List<String> trusted, FromPatterns from,
        Instant expiry) {

    private static final Set<String> IMPLIED = Set.of("restrict", "no-pty", "no-port-forwarding",
            "no-agent-forwarding", "no-x11-forwarding", "no-user-rc");

    /** Why a key that matches this line may not log in now from {@code client}; null if it may. */
    String refusal(InetAddress client, Instant now) {
        if (expiry != null && !now.isBefore(expiry)) {
            return "key expired at " + expiry + " (expiry-time=, line " + number + ")";
        }
        if (from != null && !from.matches(client)) {
            return "address " + client.getHostAddress() + " not in from=\"" + from + "\" (line " + number + ")";
        }
        return null;
    }

    /** Parses {@code text}, line {@code number}; throws with the reason the line is refused. */
    static KeyLine parse(int number, String text) {
        String first = text.split("\\s", 2)[0];
        List<KeyOptions.Option> options = List.of();
        String keyText = text;
        if (!looksLikeKeyType(first)) {
            KeyOptions.Parsed p = KeyOptions.parse(text);
            options = p.options();
            keyText = text.substring(p.end()).strip();
        }
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(keyText).resolvePublicKey(null, Map.of(),
                    PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a public key: " + Printable.of(String.valueOf(e.getMessage()), 120));
        }
        if (key == null) {
            throw new IllegalArgumentException("unsupported key type " + Printable.of(first, 60));
        }
        List<String> trusted = List.of();
        FromPatterns from = null;
        Instant expiry = null;
        Set<String> seen = new HashSet<>();
        for (KeyOptions.Option o : options) {
            if (IMPLIED.contains(o.name()) && o.value() == null) {
                continue;
            }
            if (!seen.add(o.name())) {
                throw new IllegalArgumentException("option " + o.name() + " given twice");
            }
            switch (o.name()) {
                case "command": trusted = trusted(value(o)); break;
                case "from": from = FromPatterns.parse(value(o)); break;
                case "expiry-time": expiry = expiry(value(o)); break;
                default: throw new IllegalArgumentException("option '" + Printable.of(o.name(), 60)
                        + "' is not supported by rsendmail serve");
            }
        }
        return new KeyLine(number, key, KeyUtils.getFingerPrint(key), trusted, from, expiry);
    }

    private static boolean looksLikeKeyType(String word) {
        return word.matches("(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+");
    }

    private static String value(KeyOptions.Option o) {
        if (o.value() == null) {
            throw new IllegalArgumentException("option " + o.name() + " needs a value");
        }
        return o.value();
    }

    /** {@code command=}: rsendmail's path, then only --config and --policy (SPEC §2.1). */
    private static List<String> trusted(String command) {
        try {
            List<String> words = ShellWords.split(command);
            if (words.isEmpty()) {
                throw new IllegalArgumentException("command=\"\" is empty");
            }
            Grammar.checkProgram(words.get(0));
            List<String> args = words.subList(1, words.size());
            TrustedArgs t = TrustedArgs.parse(args.toArray(new String[0]));
            if (t.check() || !t.rest().isEmpty()) {
                throw new IllegalArgumentException("command=: only --config and --policy may follow rsendmail");
            }
            List<String> out = new ArrayList<>();
            if (t.configExplicit()) {
                out.add("--config");
                out.add(t.config().toString());
            }
            if (t.policy() != null) {
                out.add("--policy");
                out.add(t.policy());
            }
            return List.copyOf(out);
        } catch (Refusal r) {
            throw new IllegalArgumentException("command=: " + r.getMessage());
        }
    }

    /**
     * {@code YYYYMMDD[HHMM[SS]]}, then {@code Z} or {@code UTC} (any case) for UTC, else local time
     * (sshd(8)); an impossible date such as 20300231 is refused, where OpenSSH would roll it over.
     */
    private static Instant expiry(String v) {
        String upper = v.toUpperCase(Locale.ROOT);
        int suffix = upper.endsWith("UTC") ? 3 : upper.endsWith("Z") ? 1 : 0;
        boolean utc = suffix > 0;
        String t = v.substring(0, v.length() - suffix);
        if (!t.matches("[0-9]{8}([0-9]{4}([0-9]{2})?)?")) {
            throw new IllegalArgumentException("expiry-time=\"" + Printable.of(v, 40) + "\": expected YYYYMMDD[HHMM[SS]][Z]");
        }
        String full = (t + "000000").substring(0, 14);
        try {
            LocalDateTime local = LocalDateTime.parse(full, DateTimeFormatter.ofPattern("uuuuMMddHHmmss")
                    .withResolverStyle(ResolverStyle.STRICT));
            return local.atZone(utc ? ZoneOffset.UTC : ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expiry-time=\"" + Printable.of(v, 40) + "\": not a date");
        }
    }
}
