package net.rsendmail.config;

import java.time.Duration;

/** Durations in config files: a whole number with an optional unit s, m, h, d or w (plain = seconds). */
public final class Durations {
    private Durations() {
    }

    public static Duration parse(String v) throws IllegalArgumentException {
        if (v.isEmpty() || v.length() > 12) {
            throw new IllegalArgumentException("expected a duration such as 30s, 10m, 2h or 5d, got '" + v + "'");
        }
        char last = v.charAt(v.length() - 1);
        long unit;
        String digits = v.substring(0, v.length() - 1);
        switch (last) {
            case 's': unit = 1; break;
            case 'm': unit = 60; break;
            case 'h': unit = 3600; break;
            case 'd': unit = 86400; break;
            case 'w': unit = 7 * 86400; break;
            default:
                unit = 1;
                digits = v;
        }
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("expected a duration such as 30s, 10m, 2h or 5d, got '" + v + "'");
        }
        return Duration.ofSeconds(Long.parseLong(digits) * unit);
    }

    /** Short form for messages: 90s, 5m, 2h, 5d. */
    public static String format(Duration d) {
        long s = d.getSeconds();
        if (s % 86400 == 0 && s > 0) {
            return s / 86400 + "d";
        }
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /** Rounded down to one unit, for people (-bp ages, next tries): 90s, 59m, 47h, 5d; negative is 0s. */
    public static String approximate(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 7200) {
            return s / 60 + "m";
        }
        if (s < 172800) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }
}
