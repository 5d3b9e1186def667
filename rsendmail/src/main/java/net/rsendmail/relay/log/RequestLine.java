package net.rsendmail.relay.log;

import java.util.List;
import net.rsendmail.log.LogSetting;
import net.rsendmail.mail.Printable;

/**
 * The one log line per message (SPEC §2.3 step 5), with the same fields in every mode:
 * {@code policy= mode= envid= from=<> nrcpt= to=<>,… size= duration_ms= status=}. Client words
 * are escaped, so a hostile request cannot forge log lines.
 */
public final class RequestLine {
    private static final int SHOWN_RECIPIENTS = 10;

    private final String mode;
    private final long started = System.nanoTime();
    private String policy = "-";
    private String envid;
    private String sender;
    private List<String> recipients = List.of();
    private long size;

    public RequestLine(String mode) {
        this.mode = mode;
    }

    public RequestLine policy(String name) {
        this.policy = name;
        return this;
    }

    /** {@code null}: not known; "" is the null sender. */
    public RequestLine sender(String address) {
        this.sender = address;
        return this;
    }

    public RequestLine envid(String id) {
        this.envid = id;
        return this;
    }

    public RequestLine recipients(List<String> addresses) {
        this.recipients = List.copyOf(addresses);
        return this;
    }

    public RequestLine size(long bytes) {
        this.size = bytes;
        return this;
    }

    /** The line for an outcome, e.g. {@code sent} or {@code refused 77 5.7.1 …}. */
    public String format(String status) {
        long ms = (System.nanoTime() - started) / 1_000_000;
        StringBuilder b = new StringBuilder(160);
        b.append("policy=").append(Printable.of(policy))
                .append(" mode=").append(mode)
                .append(" envid=").append(envid == null ? "-" : Printable.of(envid))
                .append(" from=<").append(sender == null ? "" : Printable.of(sender)).append('>')
                .append(" nrcpt=").append(recipients.size())
                .append(" to=");
        for (int i = 0; i < recipients.size(); i++) {
            if (i == SHOWN_RECIPIENTS) {
                b.append(",...");
                break;
            }
            b.append(i > 0 ? "," : "").append('<').append(Printable.of(recipients.get(i))).append('>');
        }
        b.append(" size=").append(size).append(" duration_ms=").append(ms).append(" status=").append(Printable.of(status, 600));
        return b.toString();
    }

    /** Writes the line to the configured target; failures are logged at warning level. */
    public void write(LogSetting log, boolean failure, String status) {
        RequestCounts.count(status);
        RequestLog.write(log, failure, format(status));
    }
}
