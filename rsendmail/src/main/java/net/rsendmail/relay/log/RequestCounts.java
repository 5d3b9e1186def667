package net.rsendmail.relay.log;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this process's request lines said, counted: messages handed over ({@code sent}), ENVID
 * retries answered without a second hand-over ({@code duplicate}), refusals by exit code and RFC
 * 3463 status, and any other failure line (a transaction cut in DATA, an LMTP session's end). {@code rsendmail serve}, one process for all
 * sessions, writes them to its metrics_file; a forced-command relay lives for one request.
 */
public final class RequestCounts {
    /** {@code refused EXIT STATUS REASON}, as Acceptance.refused writes it. */
    private static final Pattern REFUSED = Pattern.compile("refused ([0-9]{1,3}) ([245]\\.[0-9]{1,3}\\.[0-9]{1,3})( .*)?");

    /** A kind of refusal: the sysexits code and the RFC 3463 status ("" and "" for a line of another shape). */
    public record Refused(String exit, String status) implements Comparable<Refused> {
        @Override
        public int compareTo(Refused o) {
            int c = exit.compareTo(o.exit);
            return c != 0 ? c : status.compareTo(o.status);
        }
    }

    /** A snapshot: outcome counts, and refusals by kind, in order. */
    public record Snapshot(long sent, long duplicate, long failed, Map<Refused, Long> refusals) {
        public Snapshot {
            refusals = java.util.Collections.unmodifiableMap(new TreeMap<>(refusals));
        }
    }

    private static long sent;
    private static long duplicate;
    private static long failed;
    private static final Map<Refused, Long> REFUSALS = new TreeMap<>();

    private RequestCounts() {
    }

    /** Counts one request line's status. */
    static synchronized void count(String status) {
        if (status.equals("sent")) {
            sent++;
            return;
        }
        if (status.equals("duplicate")) {
            duplicate++;
            return;
        }
        Matcher m = REFUSED.matcher(status);
        if (m.matches()) {
            REFUSALS.merge(new Refused(m.group(1), m.group(2)), 1L, Long::sum);
        } else if (status.startsWith("refused")) {
            REFUSALS.merge(new Refused("", ""), 1L, Long::sum);
        } else {
            failed++;
        }
    }

    public static synchronized Snapshot snapshot() {
        return new Snapshot(sent, duplicate, failed, REFUSALS);
    }
}
