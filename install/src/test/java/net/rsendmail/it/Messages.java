package net.rsendmail.it;

import java.nio.charset.StandardCharsets;

/** Test messages. LF line ends, as a local sendmail receives them. */
final class Messages {
    private Messages() {
    }

    /**
     * A complete message (From, To, Date, Message-ID present, so Postfix adds nothing inside it)
     * with a body that is easy to damage: a lone dot, a line starting with "From ", trailing
     * blanks, a long line, UTF-8 and an empty last line before the end.
     */
    static byte[] plain(String from, String to, String subject) {
        StringBuilder longLine = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            longLine.append("0123456789");
        }
        String text = "From: Sender <" + from + ">\n"
                + "To: <" + to + ">\n"
                + "Subject: " + subject + "\n"
                + "Date: Thu, 01 Jan 2026 12:00:00 +0000\n"
                + "Message-ID: <" + Math.abs(subject.hashCode()) + "." + System.nanoTime() + "@example.org>\n"
                + "MIME-Version: 1.0\n"
                + "Content-Type: text/plain; charset=utf-8\n"
                + "Content-Transfer-Encoding: 8bit\n"
                + "\n"
                + "Hello,\n"
                + ".\n"
                + "..two dots\n"
                + "From the start of a line\n"
                + "trailing blanks   \n"
                + "\ttab first\n"
                + longLine + "\n"
                + "Grüße, naïve café ✓\n"
                + "\n"
                + "-- \n"
                + "end\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
