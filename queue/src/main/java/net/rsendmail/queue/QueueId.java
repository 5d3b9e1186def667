package net.rsendmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A queue id such as {@code 20251122T021300123456Z-0123456789abcdef}: UTC creation time to the
 * microsecond, then 80 random bits in lower-case base32hex.
 *
 * <p>The alphabet ({@code 0-9 a-v T Z -}) is a subset of RFC 3461 xtext without any character that
 * needs "+XX" encoding, so the id is sent as ENVID unchanged; it is also a plain file name (no
 * '/', no '.', no leading '-'). Ids sort lexicographically by creation time. The random part makes
 * them unguessable, which the maildrop relies on (other users cannot name a drop file).
 */
public record QueueId(String value) implements Comparable<QueueId> {

    /** Length of every id. */
    public static final int LENGTH = 39;

    private static final char[] BASE32HEX = "0123456789abcdefghijklmnopqrstuv".toCharArray();
    private static final AtomicLong LAST_MICROS = new AtomicLong();

    public QueueId {
        Objects.requireNonNull(value, "value");
        if (!isValid(value)) {
            throw new IllegalArgumentException("not a queue id: " + printable(value));
        }
    }

    /** Parses and validates; throws {@link IllegalArgumentException} for anything else. */
    public static QueueId parse(String s) {
        return new QueueId(s);
    }

    /** True if {@code s} has the exact id syntax. */
    public static boolean isValid(String s) {
        if (s == null || s.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            boolean ok;
            if (i < 8 || (i >= 9 && i < 21)) {
                ok = c >= '0' && c <= '9';
            } else if (i == 8) {
                ok = c == 'T';
            } else if (i == 21) {
                ok = c == 'Z';
            } else if (i == 22) {
                ok = c == '-';
            } else {
                ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'v');
            }
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A new id. Within one process ids strictly increase, even if the clock stalls or steps back. */
    public static QueueId generate() {
        Instant now = Instant.now();
        long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1000);
        long m = LAST_MICROS.accumulateAndGet(micros, (last, t) -> Math.max(last + 1, t));
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(m, 1_000_000L),
                (int) Math.floorMod(m, 1_000_000L) * 1000, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(LENGTH);
        pad(sb, t.getYear(), 4);
        pad(sb, t.getMonthValue(), 2);
        pad(sb, t.getDayOfMonth(), 2);
        sb.append('T');
        pad(sb, t.getHour(), 2);
        pad(sb, t.getMinute(), 2);
        pad(sb, t.getSecond(), 2);
        pad(sb, t.getNano() / 1000, 6);
        sb.append("Z-");
        byte[] r = Rand.bytes(10);
        long hi = 0;
        for (int i = 0; i < 5; i++) {
            hi = (hi << 8) | (r[i] & 0xff);
        }
        long lo = 0;
        for (int i = 5; i < 10; i++) {
            lo = (lo << 8) | (r[i] & 0xff);
        }
        for (int shift = 35; shift >= 0; shift -= 5) {
            sb.append(BASE32HEX[(int) (hi >>> shift) & 31]);
        }
        for (int shift = 35; shift >= 0; shift -= 5) {
            sb.append(BASE32HEX[(int) (lo >>> shift) & 31]);
        }
        return new QueueId(sb.toString());
    }

    /** The creation time encoded in the id (microsecond precision). */
    public Instant timestamp() {
        LocalDateTime t = LocalDateTime.of(
                Integer.parseInt(value.substring(0, 4)), Integer.parseInt(value.substring(4, 6)),
                Integer.parseInt(value.substring(6, 8)), Integer.parseInt(value.substring(9, 11)),
                Integer.parseInt(value.substring(11, 13)), Integer.parseInt(value.substring(13, 15)),
                Integer.parseInt(value.substring(15, 21)) * 1000);
        return t.toInstant(ZoneOffset.UTC);
    }

    @Override
    public int compareTo(QueueId o) {
        return value.compareTo(o.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static void pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(s.length(), 80);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        if (s.length() > n) {
            sb.append("...");
        }
        return sb.toString();
    }

    /**
     * Randomness for the id's tail, read from /dev/urandom: starting SecureRandom's providers
     * costs a sendmail call about 14 ms, and uniqueness needs unpredictable bits, not a CSPRNG
     * object. SecureRandom remains the fallback where /dev/urandom cannot be read.
     */
    private static final class Rand {
        private static final Path URANDOM = Path.of("/dev/urandom");

        static byte[] bytes(int n) {
            byte[] b = new byte[n];
            try (InputStream in = Files.newInputStream(URANDOM)) {
                if (in.readNBytes(b, 0, n) == n) {
                    return b;
                }
            } catch (IOException | RuntimeException e) {
                // fall back below
            }
            new SecureRandom().nextBytes(b);
            return b;
        }
    }
}
