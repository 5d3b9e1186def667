package net.rsendmail.io;

import java.util.Map;

/**
 * JSON text for the machine-readable outputs (one object per line, as Postfix's {@code postqueue
 * -j}): strings escaped as RFC 8259 §7 requires, nothing else. Values are strings, numbers,
 * booleans, nested maps or lists of those.
 */
public final class Json {
    private Json() {
    }

    /** {@code fields} as one JSON object, in their iteration order. */
    public static String object(Map<String, ?> fields) {
        StringBuilder b = new StringBuilder(128);
        value(b, fields);
        return b.toString();
    }

    /** {@code s} as a JSON string with its quotes. */
    public static String string(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        string(b, s);
        return b.toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            b.append(v);
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                value(b, e.getValue());
            }
            b.append('}');
        } else if (v instanceof Iterable<?> l) {
            b.append('[');
            boolean first = true;
            for (Object o : l) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                value(b, o);
            }
            b.append(']');
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass().getName());
        }
    }

    /** RFC 8259 §7: quote, backslash and every C0 control escaped (as \\u00XX); DEL and U+2028/9 too, for scripts. */
    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }
}
