package net.rsendmail.ssh;

import java.time.Instant;

/**
 * The validity window of an OpenSSH certificate (PROTOCOL.certkeys): valid after and before,
 * unsigned 64-bit seconds since the epoch, the largest meaning forever. Valid when
 * {@code after <= now < before}, with no clock skew allowed, as sshd(8) checks it.
 */
public final class CertificateWindow {
    private CertificateWindow() {
    }

    /** "not valid before T" or "expired at T" when {@code now} is outside the window, else null. */
    public static String outside(long validAfter, long validBefore, Instant now) {
        long t = now.getEpochSecond();
        if (Long.compareUnsigned(t, validAfter) < 0) {
            return "not valid before " + time(validAfter);
        }
        if (Long.compareUnsigned(t, validBefore) >= 0) {
            return "expired at " + time(validBefore);
        }
        return null;
    }

    private static String time(long seconds) {
        return seconds < 0 || seconds > Instant.MAX.getEpochSecond() ? "forever" : Instant.ofEpochSecond(seconds).toString();
    }
}
