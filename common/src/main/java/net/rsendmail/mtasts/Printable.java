package net.rsendmail.mtasts;

/** Text from the network made safe for one log line: controls and non-ASCII as '?', at most 100 characters. */
final class Printable {
    private static final int MAX = 100;

    private Printable() {
    }

    static String of(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < MAX; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > MAX ? b + "..." : b.toString();
    }
}
