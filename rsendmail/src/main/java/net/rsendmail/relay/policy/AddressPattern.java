package net.rsendmail.relay.policy;

import java.util.Locale;

/** An allowed address: a full address, or {@code @domain} for every address at that domain. Case-insensitive. */
public record AddressPattern(String text) {
    public AddressPattern {
        text = text.toLowerCase(Locale.ROOT);
    }

    public boolean matches(String address) {
        String a = address.toLowerCase(Locale.ROOT);
        if (text.charAt(0) == '@') {
            return a.endsWith(text) && a.length() > text.length();
        }
        return a.equals(text);
    }
}
