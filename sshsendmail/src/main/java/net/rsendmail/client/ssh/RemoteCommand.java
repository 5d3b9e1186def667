package net.rsendmail.client.ssh;

import java.util.List;

/**
 * The command line sent to the relay: {@code rsendmail -f 'SENDER' -- 'RCPT' …}. Only validated
 * addresses reach it, and each is still single-quoted for a POSIX shell, so that no word can ever
 * become an option or shell syntax on the far side.
 */
public final class RemoteCommand {
    private RemoteCommand() {
    }

    /** {@code sender} "" is the null sender and is sent as {@code -f ''}. */
    public static String build(String program, String sender, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no recipients");
        }
        StringBuilder b = new StringBuilder(64 + 40 * recipients.size());
        b.append(program).append(" -f ").append(quote(sender)).append(" --");
        for (String r : recipients) {
            if (r.isEmpty()) {
                throw new IllegalArgumentException("empty recipient");
            }
            b.append(' ').append(quote(r));
        }
        return b.toString();
    }

    /** POSIX shell single quotes; a single quote inside becomes {@code '\''}. */
    public static String quote(String word) {
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("control character in address");
            }
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
