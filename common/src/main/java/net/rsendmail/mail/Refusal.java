package net.rsendmail.mail;

/**
 * A request that ends with a sysexits code and one line of text, led by an RFC 3463 enhanced
 * status code. The factory methods are the one place that decides which code a kind of failure gets.
 */
public final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    private final SysExit exit;
    private final String status;

    public Refusal(SysExit exit, String status, String reason) {
        super(reason, null, false, false);
        this.exit = exit;
        this.status = status;
    }

    /** A refusal with the exit code's own status from the one table in {@link SysExit}. */
    public Refusal(SysExit exit, String reason) {
        this(exit, exit.status(), reason);
    }

    /** Whether the client should keep the mail and try again: the status class, RFC 3463 §3.1. */
    public boolean isTemporary() {
        return status.charAt(0) == '4';
    }

    public SysExit exit() {
        return exit;
    }

    /** The RFC 3463 status code, e.g. {@code 5.7.1}. */
    public String status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    /** The one line a client sees. */
    public String line() {
        return status + " " + getMessage();
    }

    /** Bad command line: EX_USAGE, RFC 3463 5.5.4 (invalid command arguments). */
    public static Refusal usage(String reason) {
        return new Refusal(SysExit.USAGE, reason);
    }

    /** Unusable message: EX_DATAERR, RFC 3463 5.6.0 (other media error). */
    public static Refusal data(String reason) {
        return new Refusal(SysExit.DATAERR, reason);
    }

    /** Bad recipient address syntax: EX_USAGE, RFC 3463 5.1.3. */
    public static Refusal badRecipient(String reason) {
        return new Refusal(SysExit.USAGE, "5.1.3", reason);
    }

    /** Bad sender address syntax: EX_USAGE, RFC 3463 5.1.7. */
    public static Refusal badSender(String reason) {
        return new Refusal(SysExit.USAGE, "5.1.7", reason);
    }

    /** Over the size limit: EX_UNAVAILABLE, RFC 3463 5.3.4. */
    public static Refusal tooBig(String reason) {
        return new Refusal(SysExit.UNAVAILABLE, "5.3.4", reason);
    }

    /** Outside the key's policy: EX_NOPERM, RFC 3463 5.7.1 (delivery not authorized). */
    public static Refusal policy(String reason) {
        return new Refusal(SysExit.NOPERM, reason);
    }

    /** Too many recipients for the policy: EX_NOPERM, RFC 3463 5.5.3. */
    public static Refusal tooManyRecipients(String reason) {
        return new Refusal(SysExit.NOPERM, "5.5.3", reason);
    }

    /** Rate limit reached: temporary, so the client keeps the mail (RFC 3463 4.7.0). */
    public static Refusal rateLimited(String reason) {
        return new Refusal(SysExit.TEMPFAIL, "4.7.0", reason);
    }

    /** Local trouble the client can retry: EX_TEMPFAIL, RFC 3463 4.3.0. */
    public static Refusal temporary(String reason) {
        return new Refusal(SysExit.TEMPFAIL, reason);
    }

    /** Own configuration unusable: EX_CONFIG, RFC 3463 4.3.5 (system incorrectly configured). */
    public static Refusal config(String reason) {
        return new Refusal(SysExit.CONFIG, reason);
    }
}
