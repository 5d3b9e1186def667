package net.rsendmail.smtp;

import net.rsendmail.mail.Refusal;

/**
 * The SMTP/LMTP reply for a refusal (RFC 5321 §4.2.2, §4.2.3), whose class always agrees with the
 * RFC 3463 status class (RFC 3463 §3.1: the first digits must match).
 */
public final class Replies {
    /** RSET (RFC 5321 §4.1.1.5) and NOOP (§4.1.1.9), answered alike by every session here. */
    public static final String RESET = "250 2.0.0 reset";
    public static final String OK = "250 2.0.0 OK";

    private Replies() {
    }

    /** QUIT (RFC 5321 §4.1.1.10). */
    public static String closing(String hostname) {
        return "221 2.0.0 " + hostname + " closing";
    }

    /** A verb nobody here knows (RFC 5321 §4.2.4: 500). */
    public static String unknown(String verb) {
        return "500 5.5.1 unknown command: " + verb;
    }

    /** A known verb this session does not offer (RFC 5321 §4.2.4: 502). */
    public static String notImplemented(String verb) {
        return "502 5.5.1 " + verb + " not implemented";
    }

    public static String line(Refusal r) {
        String status = r.status();
        int code = code(status);
        if (code / 100 == 4 && status.charAt(0) == '5') {
            status = "4" + status.substring(1);
        }
        return code + " " + status + " " + r.reason();
    }

    public static int code(String status) {
        boolean temporary = status.charAt(0) == '4';
        switch (status) {
            case "5.3.4": return 552;           // message too big
            case "5.5.3": case "4.5.3": return 452; // too many recipients: the rest may follow in another transaction
            case "5.1.3": case "5.1.7": return 553; // mailbox syntax
            case "5.5.4": return 501;           // bad arguments
            case "5.6.0": return 554;
            default: return temporary ? 451 : 550;
        }
    }
}
