package net.rsendmail.client.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.client.cli.CommandLine.Mode;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.mail.Refusal;

/**
 * The sendmail command line that clients really send (SPEC §3.1), parsed like getopt(3): boolean
 * flags may be grouped ({@code -ti}), an option's value may be glued ({@code -fx@y}) or the next
 * word ({@code -f x@y}); options end at {@code --} or at the first word that is not an option.
 * Everything else is refused with EX_USAGE and a line that names the word.
 */
public final class CommandLineParser {
    private static final int MAX_WORD = 4096;

    private CommandLineParser() {
    }

    public static CommandLine parse(String... argv) throws Refusal {
        return parse(List.of(argv));
    }

    public static CommandLine parse(List<String> argv) throws Refusal {
        Mode mode = null;
        String sender = null;
        String fullName = null;
        String envid = null;
        boolean extract = false;
        boolean ignoreDots = false;
        boolean verbose = false;
        boolean json = false;
        List<InetAddress> egress = new ArrayList<>();
        Path config = null;
        QueueSelector selector = QueueSelector.ALL;
        List<String> rest = new ArrayList<>();
        int i = 0;
        for (String w : argv) {
            check(w);
        }
        Mode asked = helpOrVersion(argv);
        if (asked != null) {
            return new CommandLine(asked, null, null, false, false, null, List.of(), false, QueueSelector.ALL, null, false,
                    List.of());
        }
        while (i < argv.size()) {
            String w = argv.get(i);
            if (w.equals("--")) {
                i++;
                break;
            }
            if (w.length() < 2 || w.charAt(0) != '-') {
                break;
            }
            i++;
            if (w.startsWith("--")) {
                switch (w) {
                    case "--mta=postfix":
                        mode = set(mode, Mode.POSTFIX, w);
                        break;
                    case "--daemon":
                        mode = set(mode, Mode.DAEMON, w);
                        break;
                    case "--runner":
                        mode = set(mode, Mode.RUNNER, w);
                        break;
                    case "--nullmailer":
                        mode = set(mode, Mode.NULLMAILER, w);
                        break;
                    case "--requeue":
                        mode = set(mode, Mode.REQUEUE, w);
                        break;
                    case "--delete":
                        mode = set(mode, Mode.DELETE, w);
                        break;
                    case "--bounce":
                        mode = set(mode, Mode.BOUNCE, w);
                        break;
                    case "--dkim-keygen":
                        mode = set(mode, Mode.DKIM_KEYGEN, w);
                        break;
                    case "--dkim-record":
                        mode = set(mode, Mode.DKIM_RECORD, w);
                        break;
                    case "--doctor":
                        mode = set(mode, Mode.DOCTOR, w);
                        break;
                    case "--json":
                        json = true;
                        break;
                    case "--egress":
                        if (i >= argv.size()) {
                            throw Refusal.usage("--egress needs an address");
                        }
                        try {
                            egress.add(NumericAddress.parse(argv.get(i++)));
                        } catch (IllegalArgumentException e) {
                            throw Refusal.usage("--egress needs a numeric IPv4 or IPv6 address: " + show(argv.get(i - 1)));
                        }
                        break;
                    default:
                        if (w.startsWith("--mta=")) {
                            throw Refusal.usage("unknown MTA in " + show(w) + " (only --mta=postfix)");
                        }
                        throw Refusal.usage("unknown option " + show(w));
                }
                continue;
            }
            int j = 1;
            while (j < w.length()) {
                char c = w.charAt(j++);
                String glued = w.substring(j);
                switch (c) {
                    case 't':
                        extract = true;
                        break;
                    case 'i':
                        ignoreDots = true;
                        break;
                    case 'v':
                        verbose = true;
                        break;
                    case 'm': // "me too": sendmail's obsolete flag, harmless
                    case 'n': // do not alias: no aliasing here anyway
                        break;
                    case 'o':
                        // -oX…: sendmail options. -oi is the one with a meaning; the rest is ignored.
                        if (glued.isEmpty()) {
                            throw Refusal.usage("option -o needs an option letter (e.g. -oi)");
                        }
                        if (glued.equals("i")) {
                            ignoreDots = true;
                        }
                        j = w.length();
                        break;
                    case 'b': {
                        if (glued.length() != 1) {
                            throw Refusal.usage("unknown option " + show(w));
                        }
                        char b = glued.charAt(0);
                        if (b == 'm') {
                            mode = set(mode, Mode.SEND, w);
                        } else if (b == 'p') {
                            mode = set(mode, Mode.LIST, w);
                        } else if (b == 'i') {
                            mode = set(mode, Mode.NEWALIASES, w);
                        } else if (b == 's') {
                            mode = set(mode, Mode.SMTP, w);
                        } else {
                            throw Refusal.usage("unsupported mode " + show(w) + " (only -bm, -bs, -bp, -bi)");
                        }
                        j = w.length();
                        break;
                    }
                    case 'q':
                        // -q, or sendmail's -q<interval> (30m, 1h): flush once either way;
                        // -qI/-qR/-qS<substr>: only the matching messages (sendmail(8))
                        if (!glued.isEmpty() && "IRS".indexOf(glued.charAt(0)) >= 0) {
                            if (selector != QueueSelector.ALL) {
                                throw Refusal.usage("only one queue selector (-qI, -qR or -qS): " + show(w));
                            }
                            selector = QueueSelector.parse(w, glued);
                        } else if (!glued.isEmpty() && !glued.matches("[0-9]+[smhdw]?")) {
                            throw Refusal.usage("unsupported queue option " + show(w)
                                    + " (-q, -qIQUEUEID, -qRRECIPIENT, -qSSENDER)");
                        }
                        mode = set(mode, Mode.FLUSH, w);
                        j = w.length();
                        break;
                    case 'f':
                    case 'r':
                    case 'F':
                    case 'B':
                    case 'N':
                    case 'R':
                    case 'V':
                    case 'C': {
                        String value;
                        if (!glued.isEmpty()) {
                            value = glued;
                        } else if (i < argv.size()) {
                            value = argv.get(i++);
                        } else {
                            throw Refusal.usage("option -" + c + " needs a value");
                        }
                        j = w.length();
                        if (c == 'f' || c == 'r') {
                            if (sender != null) {
                                throw Refusal.usage("more than one sender (-f/-r)");
                            }
                            sender = senderValue(value);
                        } else if (c == 'F') {
                            fullName = value;
                        } else if (c == 'V') {
                            envid = value;
                        } else if (c == 'C') {
                            if (value.isEmpty()) {
                                throw Refusal.usage("-C needs a file name");
                            }
                            config = Path.of(value);
                        }
                        // -B body type, -N DSN notify, -R DSN return: accepted, not used (-V: see CommandLine.envid)
                        break;
                    }
                    default:
                        throw Refusal.usage("unknown option " + show(w)
                                + (w.length() > 2 ? " (-" + c + ")" : ""));
                }
            }
        }
        while (i < argv.size()) {
            rest.add(argv.get(i++));
        }
        if (mode == null) {
            mode = Mode.SEND;
        }
        if (json && mode == Mode.LIST) {
            mode = Mode.LIST_JSON;
        } else if (json && mode != Mode.DOCTOR) {
            throw Refusal.usage("--json goes with -bp (or mailq) and doctor only");
        }
        if (!takesWords(mode) && !rest.isEmpty()) {
            throw Refusal.usage("no recipients expected with this mode: " + show(rest.get(0)));
        }
        if (!egress.isEmpty() && mode != Mode.DOCTOR) {
            throw Refusal.usage("--egress is only for doctor");
        }
        if (mode == Mode.POSTFIX && extract) {
            throw Refusal.usage("-t is not for --mta=postfix (Postfix gives the recipients)");
        }
        return new CommandLine(mode, sender, fullName, extract, ignoreDots, config, rest, verbose, selector, envid,
                json && mode == Mode.DOCTOR, egress);
    }

    /**
     * {@code --help} or {@code --version} anywhere before {@code --}: they win over every other
     * word, whatever the mode, so that {@code --mta=postfix --help} helps too.
     */
    private static Mode helpOrVersion(List<String> argv) {
        for (String w : argv) {
            if (w.equals("--")) {
                break;
            }
            if (w.equals("--help")) {
                return Mode.HELP;
            }
            if (w.equals("--version")) {
                return Mode.VERSION;
            }
        }
        return null;
    }

    /** Modes whose words after the options mean something: recipients, queue ids, DKIM arguments. */
    private static boolean takesWords(Mode mode) {
        switch (mode) {
            case SEND: case POSTFIX: case DKIM_KEYGEN: case DKIM_RECORD: case REQUEUE: case DELETE: case BOUNCE: case DOCTOR:
                return true;
            default:
                return false;
        }
    }

    /** {@code <>}, {@code ""} and {@code <x@y>} are what callers write; the angle brackets go. */
    private static String senderValue(String v) {
        if (v.length() >= 2 && v.charAt(0) == '<' && v.charAt(v.length() - 1) == '>') {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    private static Mode set(Mode current, Mode wanted, String word) throws Refusal {
        if (current != null && current != wanted) {
            throw Refusal.usage("conflicting modes: " + show(word) + " after " + current.name().toLowerCase());
        }
        return wanted;
    }

    private static void check(String w) throws Refusal {
        if (w.length() > MAX_WORD) {
            throw Refusal.usage("argument longer than " + MAX_WORD + " characters: " + show(w));
        }
        for (int k = 0; k < w.length(); k++) {
            char c = w.charAt(k);
            if (c < 0x20 || c == 0x7f) {
                throw Refusal.usage("control character in argument " + show(w));
            }
        }
    }

    /** A word as it can be shown on one line: control characters escaped, long words cut. */
    public static String show(String w) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(w.length(), 80);
        for (int k = 0; k < n; k++) {
            char c = w.charAt(k);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (w.length() > n) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
