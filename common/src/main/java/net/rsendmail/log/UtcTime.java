package net.rsendmail.log;

/**
 * {@code 2026-11-22T10:00:00.123Z} from epoch milliseconds, by arithmetic: java.time would load
 * the time-zone database and scan every jar for zone providers, a cost paid per message.
 */
public final class UtcTime {
    private UtcTime() {
    }

    public static String format(long millis) {
        long days = Math.floorDiv(millis, 86_400_000L);
        long ms = Math.floorMod(millis, 86_400_000L);
        // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-compatible date algorithms").
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        StringBuilder b = new StringBuilder(24);
        b.append(year).append('-');
        two(b, month).append('-');
        two(b, day).append('T');
        two(b, ms / 3_600_000).append(':');
        two(b, ms / 60_000 % 60).append(':');
        two(b, ms / 1000 % 60).append('.');
        long frac = ms % 1000;
        if (frac < 100) {
            b.append('0');
        }
        two(b, frac).append('Z');
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, long v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }
}
