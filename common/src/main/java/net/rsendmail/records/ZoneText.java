package net.rsendmail.records;

import java.util.ArrayList;
import java.util.List;

/** Records as a zone file writes them, for the lines that tell an admin what to publish. */
public final class ZoneText {
    private ZoneText() {
    }

    /**
     * {@code NAME. IN TXT "…"}, the text split into strings of at most 255 octets (RFC 1035
     * §3.3.14), several strings in parentheses.
     */
    public static String txt(String name, String text) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) {
            parts.add("\"" + text.substring(i, Math.min(text.length(), i + 255)) + "\"");
        }
        return name + ". IN TXT " + (parts.size() == 1 ? parts.get(0) : "( " + String.join(" ", parts) + " )");
    }
}
