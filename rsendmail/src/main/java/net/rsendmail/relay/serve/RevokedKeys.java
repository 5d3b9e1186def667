package net.rsendmail.relay.serve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.rsendmail.config.ConfigException;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Printable;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * The {@code revoked_keys} file (like sshd_config RevokedKeys, in a plain text form), re-read
 * when it changes. One entry a line; blank lines and {@code #} comments are skipped:
 * <pre>
 * ssh-ed25519 AAAA… comment   a public key: refused as a key, as a CA, and inside any certificate
 * serial 42                   the certificate with this serial, whichever CA signed it
 * serial 100-199              a range of serials, both ends included
 * </pre>
 * A certificate listed as a key revokes the key it certifies. A line that cannot be read makes
 * the whole file unusable, and then every login is refused (fail closed), like a missing file.
 */
final class RevokedKeys {
    /** Serials {@code first} to {@code last}, compared as unsigned 64-bit numbers (PROTOCOL.certkeys). */
    record Serials(long first, long last) {
        boolean contains(long serial) {
            return Long.compareUnsigned(serial, first) >= 0 && Long.compareUnsigned(serial, last) <= 0;
        }
    }

    /** What the file lists; {@code broken} says why it is unusable, else null. */
    record Entries(List<PublicKey> keys, List<Serials> serials, String broken) {
    }

    private static final Entries NONE = new Entries(List.of(), List.of(), null);
    private static final Entries UNREADABLE = new Entries(List.of(), List.of(), "it cannot be read");

    private final Path path;
    private final WatchedFile<Entries> file;

    private RevokedKeys(Path path, Consumer<String> log) {
        this.path = path;
        this.file = path == null ? null : new WatchedFile<>(path, "revoked_keys", "every login is refused",
                text -> read(path, text, log), UNREADABLE, log);
    }

    /** {@code path} null: nothing is revoked. */
    static RevokedKeys of(Path path, Consumer<String> log) {
        return new RevokedKeys(path, log);
    }

    /** Why {@code key}, a plain key or a certificate, may not log in; null if nothing revokes it. */
    String refusal(PublicKey key) {
        Entries e = file == null ? NONE : file.current();
        if (e.broken() != null) {
            return "revoked_keys " + path + " is unusable (" + e.broken() + "); every login is refused";
        }
        if (key instanceof OpenSshCertificate c) {
            if (listed(e, c.getCaPubKey())) {
                return "certificate signed by revoked CA key " + KeyUtils.getFingerPrint(c.getCaPubKey());
            }
            if (listed(e, c.getCertPubKey())) {
                return "certified key " + KeyUtils.getFingerPrint(c.getCertPubKey()) + " is revoked";
            }
            for (Serials s : e.serials()) {
                if (s.contains(c.getSerial())) {
                    return "certificate serial " + Long.toUnsignedString(c.getSerial()) + " is revoked";
                }
            }
            return null;
        }
        return listed(e, key) ? "key " + KeyUtils.getFingerPrint(key) + " is revoked" : null;
    }

    private static boolean listed(Entries e, PublicKey key) {
        for (PublicKey k : e.keys()) {
            if (KeyUtils.compareKeys(k, key)) {
                return true;
            }
        }
        return false;
    }

    /** A line of the file that cannot be read. */
    static final class BadLine extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final int line;

        BadLine(int line, String reason) {
            super(reason);
            this.line = line;
        }
    }

    /** Reads the file once, for serve's start: a bad or missing file stops it with FILE:LINE. */
    static void check(Path path) throws ConfigException {
        try {
            parse(Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException(path, 0, "revoked_keys: " + OsReason.of(e));
        } catch (BadLine b) {
            throw new ConfigException(path, b.line, b.getMessage());
        }
    }

    private static Entries read(Path path, List<String> text, Consumer<String> log) {
        try {
            Entries e = parse(text);
            log.accept("revoked_keys " + path + ": " + e.keys().size() + " key(s), " + e.serials().size()
                    + " serial range(s)");
            return e;
        } catch (BadLine x) {
            String why = path + ":" + x.line + ": " + Printable.of(String.valueOf(x.getMessage()), 300);
            log.accept("revoked_keys " + why + "; every login is refused until it is fixed");
            return new Entries(List.of(), List.of(), why);
        }
    }

    /** Parses the file's lines; throws {@link BadLine} for the first bad one. */
    static Entries parse(List<String> text) {
        List<PublicKey> keys = new ArrayList<>();
        List<Serials> serials = new ArrayList<>();
        for (WatchedFile.Line l : WatchedFile.content(text)) {
            String t = l.text();
            try {
                String[] words = t.split("\\s+");
                if (words[0].equals("serial")) {
                    if (words.length != 2) {
                        throw new IllegalArgumentException("expected 'serial N' or 'serial FIRST-LAST'");
                    }
                    serials.add(serials(words[1]));
                } else if (KeyLine.looksLikeKeyType(words[0])) {
                    PublicKey k = KeyLine.publicKey(t);
                    keys.add(k instanceof OpenSshCertificate c ? c.getCertPubKey() : k);
                } else {
                    throw new IllegalArgumentException("expected a public key or 'serial N', got '"
                            + Printable.of(words[0], 40) + "'");
                }
            } catch (IllegalArgumentException x) {
                throw new BadLine(l.number(), x.getMessage());
            }
        }
        return new Entries(List.copyOf(keys), List.copyOf(serials), null);
    }

    private static Serials serials(String v) {
        int dash = v.indexOf('-');
        long first = serial(dash < 0 ? v : v.substring(0, dash));
        long last = dash < 0 ? first : serial(v.substring(dash + 1));
        if (Long.compareUnsigned(first, last) > 0) {
            throw new IllegalArgumentException("serial range " + Printable.of(v, 60) + " ends before it starts");
        }
        return new Serials(first, last);
    }

    private static long serial(String digits) {
        if (!digits.matches("[0-9]{1,20}")) {
            throw new IllegalArgumentException("serial: expected a decimal number, got '" + Printable.of(digits, 40) + "'");
        }
        try {
            return Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("serial " + digits + " is above 2^64-1");
        }
    }
}
