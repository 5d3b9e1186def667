package net.rsendmail.relay.policy;

import java.util.Locale;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.Mailbox;

/**
 * An allowed address: a full address, or {@code @domain} for every address at that domain.
 * Case-insensitive. An address matches only when it is a valid RFC 5321 mailbox, and a domain
 * pattern compares the mailbox's domain, never a suffix of the text.
 */
public record AddressPattern(String text) {
    public AddressPattern {
        text = text.toLowerCase(Locale.ROOT);
    }

    public boolean matches(String address) {
        Mailbox m;
        try {
            m = Mailbox.parse(address, true);
        } catch (AddressException e) {
            return false;
        }
        if (text.charAt(0) == '@') {
            return !m.isBare() && m.domain().toLowerCase(Locale.ROOT).equals(text.substring(1));
        }
        return m.toString().toLowerCase(Locale.ROOT).equals(text);
    }
}
