package net.rsendmail.log;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Holds back a log line identical to one written less than a window ago, and says how many were
 * held back when it is next written: a stuck state logs once per window, not once per try.
 * Remembers the 256 most recent lines.
 */
public final class RepeatFilter {
    private final long windowMillis;
    /** Line → {when last written, how many held back since}. */
    private final Map<String, long[]> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> e) {
            return size() > 256;
        }
    };

    public RepeatFilter(Duration window) {
        this.windowMillis = window.toMillis();
    }

    /** The text to write for {@code key} at {@code now} (epoch ms), or null to hold it back. */
    public synchronized String pass(String key, long now, String text) {
        long[] r = recent.get(key);
        if (r != null && now - r[0] < windowMillis) {
            r[1]++;
            return null;
        }
        recent.put(key, new long[] {now, 0});
        return r == null || r[1] == 0 ? text : text + " (" + r[1] + " identical lines held back before this one)";
    }
}
