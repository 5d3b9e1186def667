package net.rsendmail.client.cli;

import java.util.Locale;
import net.rsendmail.mail.Refusal;
import net.rsendmail.queue.QueueId;
import net.rsendmail.queue.QueuedMessage;

/**
 * Which queued messages a {@code -q} run attempts, as in sendmail(8): {@code -qIsubstr} (queue id),
 * {@code -qRsubstr} (a recipient) and {@code -qSsubstr} (the sender) pick those that contain the
 * substring, ignoring case; {@link #ALL} picks every message.
 */
public record QueueSelector(Field field, String substring) {
    /** At most a whole address (RFC 5321 §4.5.3.1: 64 + 1 + 255). */
    static final int MAX = 320;

    public static final QueueSelector ALL = new QueueSelector(Field.ALL, "");

    /** What the substring is looked for in. */
    public enum Field {
        ALL(' '), ID('I'), RECIPIENT('R'), SENDER('S');

        final char letter;

        Field(char letter) {
            this.letter = letter;
        }
    }

    public QueueSelector {
        substring = substring.toLowerCase(Locale.ROOT);
    }

    /** Just the message {@code id} (what sendmail -v delivers at once). */
    public static QueueSelector of(QueueId id) {
        return new QueueSelector(Field.ID, id.value());
    }

    /**
     * The selector of {@code -q<rest>}; {@code rest} starts with I, R or S. Refuses an empty
     * substring, white space, and for ids anything a queue id cannot contain.
     */
    static QueueSelector parse(String word, String rest) throws Refusal {
        Field f = switch (rest.charAt(0)) {
            case 'I' -> Field.ID;
            case 'R' -> Field.RECIPIENT;
            case 'S' -> Field.SENDER;
            default -> throw new IllegalArgumentException(rest);
        };
        String s = rest.substring(1);
        String example = f == Field.ID ? "-qI20260101T" : f == Field.RECIPIENT ? "-qRbob@example.org" : "-qSalice@";
        if (s.isEmpty()) {
            throw Refusal.usage("-q" + f.letter + " needs a substring glued to it (e.g. " + example + ")");
        }
        if (s.length() > MAX) {
            throw Refusal.usage("queue selector longer than " + MAX + " characters: " + CommandLineParser.show(word));
        }
        boolean ok = f == Field.ID ? s.chars().allMatch(QueueSelector::idChar)
                : s.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c)
                        || Character.isISOControl(c));
        if (!ok) {
            throw Refusal.usage("unusable queue selector " + CommandLineParser.show(word) + " ("
                    + (f == Field.ID ? "queue ids have only letters, digits and '-'" : "no white space") + ")");
        }
        return new QueueSelector(f, s);
    }

    private static boolean idChar(int c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || c == '-');
    }

    /** True when the id alone rules the message out (so it need not be claimed to look at it). */
    public boolean excludes(QueueId id) {
        return field == Field.ID && !contains(id.value());
    }

    public boolean selects(QueuedMessage m) {
        return switch (field) {
            case ALL -> true;
            case ID -> contains(m.id().value());
            case SENDER -> contains(m.sender());
            case RECIPIENT -> m.pendingRecipients().stream().anyMatch(this::contains);
        };
    }

    private boolean contains(String s) {
        return s.toLowerCase(Locale.ROOT).contains(substring);
    }

    /** The {@code -q…} word that asks for this selection again (for the owner's run started by root). */
    public String argument() {
        return field == Field.ALL ? "-q" : "-q" + field.letter + substring;
    }
}
