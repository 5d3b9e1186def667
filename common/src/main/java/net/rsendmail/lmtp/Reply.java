package net.rsendmail.lmtp;

import net.rsendmail.mail.Printable;

/** One SMTP/LMTP reply: the code, the RFC 3463 enhanced status when given, and the text (last line). */
public record Reply(int code, String status, String text) {
    public boolean positive() {
        return code >= 200 && code < 400;
    }

    public boolean temporary() {
        return code >= 400 && code < 500;
    }

    public boolean permanent() {
        return code >= 500;
    }

    /** The enhanced status, or one derived from the code's class when the server gave none. */
    public String statusOrDefault() {
        if (status != null) {
            return status;
        }
        return positive() ? "2.0.0" : temporary() ? "4.0.0" : "5.0.0";
    }

    @Override
    public String toString() {
        return code + " " + (status == null ? "" : status + " ") + text;
    }

    /**
     * The one line to pass on to our own client: the code, a status whose class agrees with it
     * (RFC 3463 §3.1), and the text made printable and short enough for a reply line (RFC 5321
     * §4.5.3.1.5).
     */
    public String line() {
        String s = status != null && status.charAt(0) == Integer.toString(code).charAt(0) ? status : derived(code);
        return code + " " + s + " " + Printable.of(text, 400);
    }

    private static String derived(int code) {
        return code < 400 ? "2.0.0" : code < 500 ? "4.0.0" : "5.0.0";
    }

    /**
     * A far side's reply as an SMTP library reports it: its reply code and its whole response
     * (possibly several lines). The last line's enhanced status and text are kept; a response that
     * does not parse keeps the code, and a code outside 200..599 becomes a temporary failure so that
     * the mail is kept.
     */
    public static Reply ofResponse(int code, String response) {
        String text = response == null ? "" : response.strip();
        int nl = text.lastIndexOf('\n');
        String last = nl < 0 ? text : text.substring(nl + 1).strip();
        if (code < 200 || code > 599) {
            return new Reply(451, "4.4.0", "unexpected reply: " + Printable.of(last, 200));
        }
        try {
            Reply r = parse(last);
            if (r.code == code) {
                return r;
            }
        } catch (LmtpException e) {
            // falls through: the code is known, the text is whatever was said
        }
        return new Reply(code, null, last);
    }

    /** Parses the last line of a reply, e.g. {@code 550 5.7.1 sender not allowed}. */
    static Reply parse(String line) throws LmtpException {
        if (line.length() < 3) {
            throw new LmtpException("malformed reply: " + line);
        }
        int code;
        try {
            code = Integer.parseInt(line.substring(0, 3));
        } catch (NumberFormatException e) {
            throw new LmtpException("malformed reply: " + line);
        }
        if (code < 200 || code > 599) {
            throw new LmtpException("malformed reply: " + line);
        }
        String rest = line.length() > 4 ? line.substring(4) : "";
        String status = null;
        int sp = rest.indexOf(' ');
        String first = sp < 0 ? rest : rest.substring(0, sp);
        if (first.matches("[245]\\.\\d{1,3}\\.\\d{1,3}")) {
            status = first;
            rest = sp < 0 ? "" : rest.substring(sp + 1);
        }
        return new Reply(code, status, rest);
    }
}
