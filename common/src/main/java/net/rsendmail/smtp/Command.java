package net.rsendmail.smtp;

/**
 * One SMTP (RFC 5321) or LMTP (RFC 2033) command line, parsed by {@link CommandParser}. What a
 * command means for the open transaction is the session's business; syntax is settled here.
 */
public sealed interface Command {
    /** HELO, EHLO or LHLO with the client's name. */
    record Hello(String verb, String domain) implements Command {
    }

    /**
     * {@code MAIL FROM:<address>} with its parameters (RFC 1870 SIZE, RFC 6152 BODY, RFC 6531
     * SMTPUTF8, RFC 3461 ENVID and RET, RFC 8689 REQUIRETLS).
     *
     * @param address    "" for the null sender
     * @param size       the declared size, or -1 when not given
     * @param envid      the decoded ENVID, or null
     * @param ret        RFC 3461 RET, {@code FULL} or {@code HDRS} in upper case, or null
     * @param requireTls RFC 8689 REQUIRETLS was given; whether it was offered is the session's business
     */
    record Mail(String address, long size, boolean eightBitMime, boolean smtputf8, String envid, String ret,
            boolean requireTls) implements Command {
        /** Without RET and REQUIRETLS. */
        public Mail(String address, long size, boolean eightBitMime, boolean smtputf8, String envid) {
            this(address, size, eightBitMime, smtputf8, envid, null, false);
        }
    }

    /**
     * {@code RCPT TO:<address>} with RFC 3461 NOTIFY (upper case, or null) and ORCPT (§4.2:
     * {@code addr-type;xtext} as received, checked, or null).
     */
    record Rcpt(String address, String dsnNotify, String orcpt) implements Command {
        public Rcpt(String address) {
            this(address, null, null);
        }

        public Rcpt(String address, String dsnNotify) {
            this(address, dsnNotify, null);
        }
    }

    record Data() implements Command {
    }

    record Rset() implements Command {
    }

    record Noop() implements Command {
    }

    record Quit() implements Command {
    }

    record Vrfy(String argument) implements Command {
    }

    record Help() implements Command {
    }

    /** A command RFC 5321 or its extensions define that no session here implements (EXPN, AUTH, …). */
    record NotImplemented(String verb) implements Command {
    }

    /** A verb nobody defines, made printable. */
    record Unknown(String verb) implements Command {
    }

    /** A known verb with bad arguments: the reply says what is wrong. */
    record Invalid(int code, String status, String text) implements Command {
        public String line() {
            return code + " " + status + " " + text;
        }
    }
}
