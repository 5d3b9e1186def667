package net.rsendmail.lmtp;

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
