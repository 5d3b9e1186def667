package net.rsendmail.smtp;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import net.rsendmail.mail.Printable;

/**
 * Parses one command line (without its line end; {@link CommandReader} has already refused
 * control characters and over-long lines) into a {@link Command}. Verbs are case-insensitive,
 * the path is {@code FROM:<…>} or {@code TO:<…>} (RFC 5321 §4.1.1.2–3; a space after the colon
 * is tolerated, as Postfix does), parameters are {@code KEY[=VALUE]} separated by spaces.
 */
public final class CommandParser {
    private static final int MAX_ENVID = 100; // RFC 3461 §4.4

    private CommandParser() {
    }

    public static Command parse(String line) {
        int sp = line.indexOf(' ');
        String verb = (sp < 0 ? line : line.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : line.substring(sp + 1);
        switch (verb) {
            case "HELO": case "EHLO": case "LHLO":
                return arg.isBlank() ? syntax(verb + " needs a host name") : new Command.Hello(verb, arg.strip());
            case "MAIL":
                return mail(arg);
            case "RCPT":
                return rcpt(arg);
            case "DATA":
                return bare(arg, "DATA", new Command.Data());
            case "RSET":
                return bare(arg, "RSET", new Command.Rset());
            case "QUIT":
                return bare(arg, "QUIT", new Command.Quit());
            case "NOOP":
                return new Command.Noop(); // RFC 5321 §4.1.1.9: an argument is allowed and ignored
            case "HELP":
                return new Command.Help();
            case "VRFY":
                return arg.isBlank() ? syntax("VRFY needs an argument") : new Command.Vrfy(arg.strip());
            case "EXPN": case "ETRN": case "BDAT": case "STARTTLS": case "AUTH": case "TURN": case "ATRN":
                return new Command.NotImplemented(verb);
            default:
                return new Command.Unknown(Printable.of(verb));
        }
    }

    private static Command bare(String arg, String verb, Command c) {
        return arg.isEmpty() ? c : syntax(verb + " takes no arguments");
    }

    private static Command mail(String arg) {
        Path p = Path.parse(arg, "FROM:");
        if (p == null) {
            return syntax("syntax: MAIL FROM:<address> [parameters]");
        }
        long size = -1;
        boolean eightBit = false;
        boolean utf8 = false;
        String envid = null;
        String ret = null;
        boolean requireTls = false;
        Set<String> seen = new HashSet<>();
        for (String param : p.params()) {
            String key = key(param);
            String value = value(param);
            if (!seen.add(key)) {
                return syntax("duplicate MAIL parameter: " + Printable.of(key));
            }
            switch (key) {
                case "SIZE":
                    size = number(value);
                    if (size < 0) {
                        return syntax("bad SIZE");
                    }
                    break;
                case "BODY":
                    if (!"7BIT".equalsIgnoreCase(value) && !"8BITMIME".equalsIgnoreCase(value)) {
                        return syntax("BODY must be 7BIT or 8BITMIME");
                    }
                    eightBit = "8BITMIME".equalsIgnoreCase(value);
                    break;
                case "SMTPUTF8":
                    if (value != null) {
                        return syntax("SMTPUTF8 takes no value");
                    }
                    utf8 = true;
                    break;
                case "RET":
                    if (!"FULL".equalsIgnoreCase(value) && !"HDRS".equalsIgnoreCase(value)) {
                        return syntax("RET must be FULL or HDRS");
                    }
                    ret = value.toUpperCase(Locale.ROOT);
                    break;
                case "REQUIRETLS":
                    if (value != null) {
                        return syntax("REQUIRETLS takes no value"); // RFC 8689 §4.1
                    }
                    requireTls = true;
                    break;
                case "ENVID":
                    envid = value == null ? null : Xtext.decode(value);
                    if (envid == null || envid.isEmpty() || value.length() > MAX_ENVID) {
                        return syntax("bad ENVID");
                    }
                    break;
                default:
                    return unsupported("MAIL", key);
            }
        }
        return new Command.Mail(p.address(), size, eightBit, utf8, envid, ret, requireTls);
    }

    private static Command rcpt(String arg) {
        Path p = Path.parse(arg, "TO:");
        if (p == null || p.address().isEmpty()) {
            return syntax("syntax: RCPT TO:<address> [parameters]");
        }
        Set<String> seen = new HashSet<>();
        String notify = null;
        String orcpt = null;
        for (String param : p.params()) {
            String key = key(param);
            String value = value(param);
            if (!seen.add(key)) {
                return syntax("duplicate RCPT parameter: " + Printable.of(key));
            }
            // RFC 3461 §4.1, §4.2
            if (key.equals("NOTIFY") && value != null && value.matches("(?i)NEVER|(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY))*")) {
                notify = value.toUpperCase(Locale.ROOT);
                continue;
            }
            int semi = value == null ? -1 : value.indexOf(';');
            // addr-type is an atom (RFC 3461 §4.2, RFC 5322 §3.2.3), the rest xtext
            if (key.equals("ORCPT") && semi > 0 && value.substring(0, semi).matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
                    && Xtext.decode(value.substring(semi + 1)) != null) {
                orcpt = value;
                continue;
            }
            return unsupported("RCPT", key);
        }
        return new Command.Rcpt(p.address(), notify, orcpt);
    }

    private static Command.Invalid syntax(String text) {
        return new Command.Invalid(501, "5.5.4", text);
    }

    /** RFC 5321 §4.1.1.11: a parameter that is not recognized gets 555. */
    private static Command.Invalid unsupported(String verb, String key) {
        return new Command.Invalid(555, "5.5.4", "unsupported " + verb + " parameter: " + Printable.of(key));
    }

    private static String key(String param) {
        int eq = param.indexOf('=');
        return (eq < 0 ? param : param.substring(0, eq)).toUpperCase(Locale.ROOT);
    }

    private static String value(String param) {
        int eq = param.indexOf('=');
        return eq < 0 ? null : param.substring(eq + 1);
    }

    /** A decimal number that fits a long, else -1. */
    private static long number(String v) {
        if (v == null || v.isEmpty() || v.length() > 18) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Long.parseLong(v);
    }

    /** {@code FROM:<addr> PARAMS} or {@code TO:<addr> PARAMS}. */
    private record Path(String address, java.util.List<String> params) {
        static Path parse(String arg, String keyword) {
            if (!arg.regionMatches(true, 0, keyword, 0, keyword.length())) {
                return null;
            }
            String rest = arg.substring(keyword.length()).stripLeading();
            if (rest.isEmpty() || rest.charAt(0) != '<') {
                return null;
            }
            int close = rest.indexOf('>');
            if (close < 0) {
                return null;
            }
            String address = rest.substring(1, close);
            if (address.indexOf('<') >= 0 || address.indexOf(' ') >= 0 || address.indexOf('\t') >= 0) {
                return null;
            }
            String after = rest.substring(close + 1);
            if (!after.isEmpty() && after.charAt(0) != ' ') {
                return null; // "<a@b>SIZE=1": parameters are separated by a space
            }
            java.util.List<String> params = new java.util.ArrayList<>();
            for (String param : after.trim().split(" +")) {
                if (!param.isEmpty()) {
                    params.add(param);
                }
            }
            return new Path(address, params);
        }
    }
}
