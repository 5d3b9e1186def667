package net.rsendmail.relay.cli;

import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Printable;
import net.rsendmail.mail.Refusal;

/**
 * The client's grammar (SPEC §2.2), a whitelist: recipients, {@code -f}/{@code -r} sender,
 * {@code -t}, {@code -i}/{@code -oi}, a few flags clients send that are ignored, {@code --},
 * {@code --lmtp} alone and {@code --version}. Every other word is refused with EX_USAGE.
 */
public final class Grammar {
    /** What {@code rsendmail --help} prints: the whole grammar, nothing more. */
    public static final String USAGE = String.join("\n",
            "usage: rsendmail [options] [--] recipient ...",
            "       rsendmail --lmtp | --version | --help",
            "",
            "The message is read from standard input and handed to the relay's MTA if the key's",
            "policy allows it. Accepted words (everything else is refused with exit 64):",
            "  recipient ...          RFC 5321 local@domain, never starting with '-'",
            "  -f SENDER, -r SENDER   envelope sender ('<>' or '' is the null sender);",
            "                         without it, the single address of the From header",
            "  -t                     also take recipients from To, Cc, Bcc (Resent-* when resent);",
            "                         Bcc and Resent-Bcc are removed",
            "  -i, -oi                accepted: a lone dot never ends the message",
            "  -v, -R W, -N W, -V ENVID, -F NAME, -odb, -odi, -oem, -oep, -om   accepted, ignored",
            "  --                     ends options",
            "  --lmtp                 LMTP (RFC 2033) batch mode on stdin/stdout, exactly-once by ENVID",
            "  --version              print the version",
            "  --help                 print this text",
            "Exit: 0 handed over; 64 usage; 65 bad message; 69 too big; 75 try again later;",
            "77 not allowed for this key; 78 relay configuration. On failure one line on stderr:",
            "an RFC 3463 status and the reason.",
            "");

    private Grammar() {
    }

    /** Checks the first word of SSH_ORIGINAL_COMMAND: {@code rsendmail} or {@code sendmail}, or a path ending in one. */
    public static void checkProgram(String word) throws Refusal {
        String base = word.substring(word.lastIndexOf('/') + 1);
        if (!base.equals("rsendmail") && !base.equals("sendmail")) {
            throw Refusal.usage("command not allowed: " + Printable.of(word));
        }
        if (base.length() != word.length() && !isPlainPath(word)) {
            throw Refusal.usage("command not allowed: " + Printable.of(word));
        }
    }

    private static boolean isPlainPath(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '/' || c == '.' || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Parses the client's words (program name already removed). */
    public static ClientRequest parse(List<String> words, boolean allowBareLocal) throws Refusal {
        String sender = null;
        boolean extract = false;
        List<String> recipients = new ArrayList<>();
        boolean options = true;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (w.isEmpty()) {
                throw Refusal.usage("empty argument");
            }
            if (!options || w.charAt(0) != '-') {
                recipients.add(recipient(w, allowBareLocal));
                continue;
            }
            switch (w) {
                case "--":
                    options = false;
                    continue;
                case "--lmtp":
                    if (words.size() != 1) {
                        throw Refusal.usage("--lmtp takes no other arguments");
                    }
                    return new ClientRequest(ClientRequest.Mode.LMTP, null, List.of(), false);
                case "--version":
                    if (words.size() != 1) {
                        throw Refusal.usage("--version takes no other arguments");
                    }
                    return new ClientRequest(ClientRequest.Mode.VERSION, null, List.of(), false);
                case "--help":
                    if (words.size() != 1) {
                        throw Refusal.usage("--help takes no other arguments");
                    }
                    return new ClientRequest(ClientRequest.Mode.HELP, null, List.of(), false);
                case "-t":
                    extract = true;
                    continue;
                case "-i": case "-oi":
                case "-v": case "-odb": case "-odi": case "-oem": case "-oep": case "-om":
                    continue;
                case "-f": case "-r": case "-R": case "-N": case "-V": case "-F":
                    if (i + 1 >= words.size()) {
                        throw Refusal.usage("option " + w + " needs a value");
                    }
                    String value = words.get(++i);
                    if (w.equals("-f") || w.equals("-r")) {
                        sender = sender(sender, value);
                    } else {
                        ignoredValue(w, value);
                    }
                    continue;
                default:
                    break;
            }
            // Glued values: -fSENDER, -rSENDER, -RWORD, -NWORD, -VENVID, -FNAME.
            char flag = w.length() > 2 ? w.charAt(1) : 0;
            if (flag == 'f' || flag == 'r') {
                sender = sender(sender, w.substring(2));
            } else if (flag == 'R' || flag == 'N' || flag == 'V' || flag == 'F') {
                ignoredValue(w.substring(0, 2), w.substring(2));
            } else {
                throw Refusal.usage("option not allowed: " + Printable.of(w));
            }
        }
        return new ClientRequest(ClientRequest.Mode.SEND, sender, List.copyOf(recipients), extract);
    }

    private static String recipient(String w, boolean allowBareLocal) throws Refusal {
        String addr = stripAngles(w);
        try {
            Mailbox.parse(addr, allowBareLocal);
        } catch (AddressException e) {
            if (w.charAt(0) == '-') {
                throw Refusal.usage("recipient must not start with '-': " + Printable.of(w));
            }
            throw Refusal.badRecipient("bad recipient address (" + e.getMessage() + "): " + Printable.of(w));
        }
        return addr;
    }

    private static String sender(String previous, String value) throws Refusal {
        if (previous != null) {
            throw Refusal.usage("sender given twice");
        }
        String addr = stripAngles(value);
        if (addr.isEmpty()) {
            return ""; // -f '' or -f '<>': the null sender (RFC 5321 §4.5.5)
        }
        try {
            Mailbox.parse(addr, false);
        } catch (AddressException e) {
            throw Refusal.badSender("bad sender address (" + e.getMessage() + "): " + Printable.of(value));
        }
        return addr;
    }

    /** Values of ignored options still must not smuggle an option or a control character. */
    private static void ignoredValue(String option, String value) throws Refusal {
        if (value.isEmpty() || value.charAt(0) == '-') {
            throw Refusal.usage("bad value for " + option + ": " + Printable.of(value));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' || c == 0x7f) {
                throw Refusal.usage("bad value for " + option + ": " + Printable.of(value));
            }
        }
        if (value.length() > 256) {
            throw Refusal.usage("value too long for " + option);
        }
    }

    private static String stripAngles(String w) {
        if (w.length() >= 2 && w.charAt(0) == '<' && w.charAt(w.length() - 1) == '>') {
            return w.substring(1, w.length() - 1);
        }
        return w;
    }
}
