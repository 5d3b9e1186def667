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
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * One authorized_keys line as serve applies it (sshd(8), AUTHORIZED_KEYS FILE FORMAT). Enforced:
 * {@code command="… rsendmail [--config F] [--policy NAME]"} (only those trusted options are read
 * from it, so one file serves OpenSSH's forced command and serve), {@code from=},
 * {@code expiry-time=}, {@code cert-authority} (the key is a CA: it admits user certificates it
 * signed, never itself) and, on such a line only, {@code principals="a,b"}. {@code restrict} and
 * the {@code no-*} options are accepted: serve grants none of what they take away. Any other
 * option refuses the line, never ignored.
 *
 * @param forced the trusted options from {@code command=}, {@link Forced#NONE} when there is none
 * @param principals the {@code principals=} names, or null when the line has none
 */
record KeyLine(int number, PublicKey key, String fingerprint, Forced forced, FromPatterns from,
        Instant expiry, boolean certAuthority, List<String> principals) {

    /** The trusted options as the relay takes them. */
    List<String> trusted() {
        return forced.argv();
    }

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
        PublicKey key = publicKey(keyText);
        Forced forced = Forced.NONE;
        FromPatterns from = null;
        Instant expiry = null;
        boolean certAuthority = false;
        List<String> principals = null;
        Set<String> seen = new HashSet<>();
        for (KeyOptions.Option o : options) {
            if (IMPLIED.contains(o.name()) && o.value() == null) {
                continue;
            }
            if (!seen.add(o.name())) {
                throw new IllegalArgumentException("option " + o.name() + " given twice");
            }
            switch (o.name()) {
                case "command": forced = Forced.parse("command=", value(o)); break;
                case "cert-authority": certAuthority = flag(o); break;
                case "principals": principals = principals(value(o)); break;
                case "from": from = FromPatterns.parse(value(o)); break;
                case "expiry-time": expiry = expiry(value(o)); break;
                default: throw new IllegalArgumentException("option '" + Printable.of(o.name(), 60)
                        + "' is not supported by rsendmail serve");
            }
        }
        if (principals != null && !certAuthority) {
            throw new IllegalArgumentException("principals= is only for a cert-authority line");
        }
        if (key instanceof OpenSshCertificate) {
            throw new IllegalArgumentException("a certificate is not a key for authorized_keys; list its CA with cert-authority");
        }
        return new KeyLine(number, key, KeyUtils.getFingerPrint(key), forced, from, expiry, certAuthority, principals);
    }

    /** {@code TYPE BASE64 [COMMENT]}, as in authorized_keys and ssh-keygen's .pub files. */
    static PublicKey publicKey(String text) {
        PublicKey key;
        try {
            key = PublicKeyEntry.parsePublicKeyEntry(text).resolvePublicKey(null, Map.of(),
                    PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalArgumentException("not a public key: " + Printable.of(String.valueOf(e.getMessage()), 120));
        }
        if (key == null) {
            throw new IllegalArgumentException("unsupported key type " + Printable.of(text.split("\\s", 2)[0], 60));
        }
        return key;
    }

    static boolean looksLikeKeyType(String word) {
        return word.matches("(ssh|ecdsa|sk)-[A-Za-z0-9@.-]+");
    }

    private static boolean flag(KeyOptions.Option o) {
        if (o.value() != null) {
            throw new IllegalArgumentException("option " + o.name() + " takes no value");
        }
        return true;
    }

    /** {@code principals="a,b"}: names compared literally with the certificate's (sshd(8)). */
    private static List<String> principals(String v) {
        List<String> out = new ArrayList<>();
        for (String p : v.split(",", -1)) {
            if (p.isEmpty() || !p.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw new IllegalArgumentException("principals=\"" + Printable.of(v, 60)
                        + "\": names are printable ASCII without blanks, separated by commas");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static String value(KeyOptions.Option o) {
        if (o.value() == null) {
            throw new IllegalArgumentException("option " + o.name() + " needs a value");
        }
        return o.value();
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
