package net.rsendmail.client.outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rsendmail.client.outcome.Outcome.Cause;
import net.rsendmail.client.outcome.Outcome.Kind;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.SysExit;

/**
 * The one place where outcomes become exit codes: the relay's exit status becomes an
 * {@link Outcome}, an outcome becomes a sysexits code (SPEC §3.4) or a nullmailer 2 code.
 */
public final class ExitCodes {

    // nullmailer 2, lib/errcodes.h: temporary below 32, permanent from 32 on
    public static final int NM_OK = 0;
    public static final int NM_USAGE = 1;
    public static final int NM_HOST_NOT_FOUND = 2;
    public static final int NM_CONN_REFUSED = 7;
    public static final int NM_CONN_TIMEDOUT = 8;
    public static final int NM_CONN_UNREACHABLE = 9;
    public static final int NM_CONN_FAILED = 10;
    public static final int NM_PROTO = 11;
    public static final int NM_MSG_READ = 13;
    public static final int NM_MSG_TEMPFAIL = 16;
    public static final int NM_CONFIG = 18;
    public static final int NM_MSG_REFUSED = 34;
    public static final int NM_MSG_PERMFAIL = 35;

    private ExitCodes() {
    }

    /**
     * What the relay's exit status and its one stderr line ({@code X.Y.Z reason}, may be empty)
     * mean. sysexits codes are the relay's contract (SPEC §2); anything else, including ssh's 255
     * and a shell's 126/127, is temporary so that the mail is kept.
     */
    public static Outcome fromRelay(int exit, String stderr) {
        String line = firstLine(stderr);
        String status = statusOf(line);
        String text = status == null ? line : line.substring(status.length()).strip();
        if (exit == 0) {
            return Outcome.delivered();
        }
        if (text.isEmpty()) {
            text = "relay exited with status " + exit;
        } else {
            text = "relay: " + text;
        }
        SysExit s = SysExit.of(exit);
        // sysexits codes through the one table in SysExit; anything else (ssh's 255, a shell's 127) is temporary.
        Kind kind = s == null || s.isTemporary() ? Kind.TEMPORARY : Kind.PERMANENT;
        String fallback = s == null ? "4.4.2" : s.status();
        if (status == null || (kind == Kind.TEMPORARY) != (status.charAt(0) == '4')) {
            status = fallback; // a status class that contradicts the exit code is not trusted
        }
        return new Outcome(kind, Cause.RELAY, status, text, exit);
    }

    /**
     * What one LMTP reply for one recipient means (RFC 2033 §4.2). An enhanced status whose class
     * contradicts the reply code is not trusted, as with {@link #fromRelay}.
     */
    public static Outcome fromReply(Reply r) {
        if (r.positive()) {
            return Outcome.delivered();
        }
        char cls = r.temporary() ? '4' : '5';
        String status = r.status() != null && r.status().charAt(0) == cls ? r.status() : cls + ".0.0";
        String text = "relay: " + r.code() + " " + r.text();
        return r.temporary() ? Outcome.temporary(Cause.RELAY, status, text) : Outcome.permanent(Cause.RELAY, status, text);
    }

    /** The sendmail exit code for an outcome (SPEC §3.4). */
    public static SysExit sysexit(Outcome o) {
        switch (o.kind()) {
            case DELIVERED:
                return SysExit.OK;
            case TEMPORARY:
                return o.cause() == Cause.CONFIG ? SysExit.CONFIG : SysExit.TEMPFAIL;
            default:
                break;
        }
        if (o.cause() == Cause.CONFIG) {
            return SysExit.CONFIG;
        }
        if (o.cause() != Cause.RELAY) {
            return SysExit.UNAVAILABLE;
        }
        SysExit relay = SysExit.of(o.relayExit());
        if (relay == null) { // an LMTP reply (no exit status): its enhanced status (RFC 3463) says what was refused
            return ofStatus(o.status());
        }
        switch (relay) {
            case NOUSER:
            case NOPERM:
            case DATAERR:
            case UNAVAILABLE:
                return relay;
            case NOHOST:
                return SysExit.NOUSER;
            case USAGE:
                // the relay refused a word of ours: an address or the request itself
                return addressOrRequest(o.status());
            default:
                return SysExit.UNAVAILABLE;
        }
    }

    /**
     * The code the relay's plain mode exits with for a refusal of this status (SPEC §2): a
     * destination address (5.1.x but 5.1.7) 67, policy (5.7.x) 77, the message's content (5.6.x)
     * 65, anything else 69.
     */
    private static SysExit ofStatus(String status) {
        if (status.startsWith("5.7.")) {
            return SysExit.NOPERM;
        }
        if (status.startsWith("5.6.")) {
            return SysExit.DATAERR;
        }
        return addressOrRequest(status);
    }

    /** 5.1.x but 5.1.7 (RFC 3463: a destination address) → 67; anything else refused → 69. */
    private static SysExit addressOrRequest(String status) {
        return status.startsWith("5.1.") && !status.equals("5.1.7") ? SysExit.NOUSER : SysExit.UNAVAILABLE;
    }

    /**
     * One outcome for callers that take one exit status for all recipients (pipe(8), nullmailer),
     * from the per-recipient ones in {@code recipients}' order: all delivered → delivered; any
     * temporary → temporary (the MTA retries them all: the relay's ENVID record answers 250 for
     * those it already accepted without handing them over again); else permanent, naming the
     * refused recipients and those delivered. The first failure of the deciding kind gives the
     * status and the relay's code.
     */
    public static Outcome summary(List<String> recipients, Map<String, Outcome> outcomes) {
        List<String> delivered = new ArrayList<>();
        List<String> deferred = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Outcome firstTemporary = null;
        Outcome firstPermanent = null;
        for (String r : recipients) {
            Outcome o = outcomes.get(r);
            if (o == null) {
                throw new IllegalArgumentException("no outcome for <" + r + ">");
            }
            if (o.isDelivered()) {
                delivered.add(r);
            } else if (o.isTemporary()) {
                deferred.add("<" + r + "> " + o.text());
                firstTemporary = firstTemporary == null ? o : firstTemporary;
            } else {
                refused.add("<" + r + "> " + o.text());
                firstPermanent = firstPermanent == null ? o : firstPermanent;
            }
        }
        if (firstTemporary == null && firstPermanent == null) {
            return Outcome.delivered();
        }
        if (recipients.size() == 1) {
            return firstTemporary != null ? firstTemporary : firstPermanent;
        }
        StringBuilder text = new StringBuilder();
        if (!deferred.isEmpty()) {
            text.append("deferred: ").append(String.join("; ", deferred));
        }
        if (!refused.isEmpty()) {
            text.append(text.length() > 0 ? "; " : "").append("refused: ").append(String.join("; ", refused));
        }
        if (!delivered.isEmpty()) {
            text.append("; delivered: <").append(String.join(">, <", delivered)).append('>');
        }
        Outcome decides = firstTemporary != null ? firstTemporary : firstPermanent;
        return new Outcome(decides.kind(), decides.cause(), decides.status(), text.toString(), decides.relayExit());
    }

    /**
     * The exit code for Postfix's pipe(8), which bounces on every code but 75 (EX_TEMPFAIL): the
     * sendmail code, except that our own configuration problems (78) defer, so that Postfix keeps
     * the mail while the admin fixes them.
     */
    public static SysExit postfix(SysExit code) {
        return code == SysExit.CONFIG ? SysExit.TEMPFAIL : code;
    }

    /** The nullmailer 2 exit code for an outcome (temporary below 32, permanent from 32). */
    public static int nullmailer(Outcome o) {
        if (o.isDelivered()) {
            return NM_OK;
        }
        switch (o.cause()) {
            case DNS:
                return NM_HOST_NOT_FOUND;
            case REFUSED:
                return NM_CONN_REFUSED;
            case TIMEOUT:
                return NM_CONN_TIMEDOUT;
            case UNREACHABLE:
                return NM_CONN_UNREACHABLE;
            case HOST_KEY:
            case AUTH:
                return NM_CONN_FAILED;
            case CHANNEL_LOST:
            case SSH:
                return NM_PROTO;
            case CONFIG:
                return NM_CONFIG;
            case LOCAL_IO:
                return NM_MSG_READ;
            default:
                break;
        }
        if (o.isTemporary()) {
            return NM_MSG_TEMPFAIL;
        }
        SysExit s = sysexit(o);
        return s == SysExit.DATAERR || s == SysExit.UNAVAILABLE ? NM_MSG_PERMFAIL : NM_MSG_REFUSED;
    }

    /** The nullmailer code for a local refusal before any delivery (bad options, bad config, bad input). */
    public static int nullmailer(SysExit local) {
        switch (local) {
            case OK:
                return NM_OK;
            case USAGE:
                return NM_USAGE;
            case CONFIG:
                return NM_CONFIG;
            case DATAERR:
                return NM_MSG_PERMFAIL;
            case IOERR:
            case NOINPUT:
                return NM_MSG_READ;
            default:
                return NM_MSG_TEMPFAIL;
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        // the relay prints one line; take the last non-empty one in case the remote shell added noise
        String best = "";
        for (String l : s.split("\r?\n")) {
            String t = l.strip();
            if (!t.isEmpty()) {
                best = t;
                if (statusOf(t) != null) {
                    return t;
                }
            }
        }
        return best;
    }

    /** The leading RFC 3463 code of a line ({@code 4.7.0 rate limit}), or null. */
    static String statusOf(String line) {
        int sp = line.indexOf(' ');
        String first = sp < 0 ? line : line.substring(0, sp);
        return first.matches("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}") ? first : null;
    }
}
