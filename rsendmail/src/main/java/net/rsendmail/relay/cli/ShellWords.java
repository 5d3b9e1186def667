package net.rsendmail.relay.cli;

import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.Refusal;

/**
 * Splits {@code SSH_ORIGINAL_COMMAND} into words with the quoting rules of the POSIX shell
 * (XCU §2.2: backslash, single and double quotes) and refuses every other piece of shell syntax
 * instead of interpreting it.
 *
 * <p>Refused anywhere, quoted or not: {@code ; | & $ `}, newline, carriage return, NUL and
 * other control characters (they either expand or start another command in a real shell, and no
 * honest client needs them). Refused unquoted: {@code < > ( ) * ? [ ] { } # ~}, which a shell
 * would treat as redirections, subshells, globs, comments or tilde expansion; quoted, as in
 * {@code -f '<>'} for the null sender, they are plain characters.
 */
public final class ShellWords {
    private static final String ALWAYS_REFUSED = ";|&$`";
    private static final String UNQUOTED_REFUSED = "<>()*?[]{}#~";

    private ShellWords() {
    }

    public static List<String> split(String command) throws Refusal {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            checkAlways(c, command);
            if (c == ' ' || c == '\t') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw Refusal.usage("unterminated single quote in command");
                }
                for (int j = i + 1; j < end; j++) {
                    checkAlways(command.charAt(j), command);
                }
                word.append(command, i + 1, end);
                inWord = true;
                i = end + 1;
            } else if (c == '"') {
                i = doubleQuoted(command, i + 1, word);
                inWord = true;
            } else if (c == '\\') {
                if (i + 1 >= n) {
                    throw Refusal.usage("backslash at end of command");
                }
                char next = command.charAt(i + 1);
                checkAlways(next, command);
                word.append(next);
                inWord = true;
                i += 2;
            } else {
                if (UNQUOTED_REFUSED.indexOf(c) >= 0) {
                    throw Refusal.usage("shell syntax '" + c + "' refused in command");
                }
                word.append(c);
                inWord = true;
                i++;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** Inside double quotes a backslash escapes only {@code $ ` " \} and newline (XCU §2.2.3). */
    private static int doubleQuoted(String command, int i, StringBuilder word) throws Refusal {
        int n = command.length();
        while (i < n) {
            char c = command.charAt(i);
            checkAlways(c, command);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n) {
                char next = command.charAt(i + 1);
                checkAlways(next, command);
                if (next == '"' || next == '\\') {
                    word.append(next);
                    i += 2;
                    continue;
                }
            }
            word.append(c);
            i++;
        }
        throw Refusal.usage("unterminated double quote in command");
    }

    private static void checkAlways(char c, String command) throws Refusal {
        if (c == '\n' || c == '\r') {
            throw Refusal.usage("newline refused in command");
        }
        if (c == 0) {
            throw Refusal.usage("NUL refused in command");
        }
        if (c < ' ' && c != '\t' || c == 0x7f) {
            throw Refusal.usage("control character refused in command");
        }
        if (ALWAYS_REFUSED.indexOf(c) >= 0) {
            throw Refusal.usage("shell syntax '" + c + "' refused in command");
        }
    }
}
