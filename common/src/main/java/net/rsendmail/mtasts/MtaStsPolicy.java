package net.rsendmail.mtasts;

import net.rsendmail.mail.Printable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An MTA-STS policy (RFC 8461 §3.2): the mode, the patterns the MX hosts must match (lower case)
 * and how long the policy may be cached.
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge) {
    /** At most 64 KiB of policy text: a policy is a few lines. */
    public static final int MAX_BYTES = 64 * 1024;
    /** §3.2: max_age is at most 31557600 seconds (about a year). */
    public static final long MAX_AGE_SECONDS = 31_557_600L;

    public enum Mode { ENFORCE, TESTING, NONE }

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /** The parsed policy, or why the text is not one. */
    public sealed interface Parsed permits Parsed.Ok, Parsed.Bad {
        record Ok(MtaStsPolicy policy) implements Parsed {
        }

        record Bad(String reason) implements Parsed {
        }
    }

    /** §4.1: whether {@code mxHost} matches one of the {@code mx} patterns. */
    public boolean matches(String mxHost) {
        return mx.stream().anyMatch(p -> MxPattern.matches(p, mxHost));
    }

    /** The policy in {@code body}, which must be UTF-8 (§3.2: extension values may hold UTF-8). */
    public static Parsed parse(byte[] body) {
        if (body.length > MAX_BYTES) {
            return new Parsed.Bad("policy longer than 64 KiB");
        }
        try {
            return parse(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            return new Parsed.Bad("policy is not UTF-8");
        }
    }

    /**
     * §3.2: lines {@code key: value} ending in LF or CRLF (the last one's ending optional, blank
     * lines only at the end); {@code version: STSv1}, {@code mode} and {@code max_age} exactly once;
     * {@code mx} at least once unless the mode is none; other keys ignored when well-formed. Keys and
     * keywords are case-sensitive (the ABNF's %s). Anything else makes the whole policy invalid.
     */
    public static Parsed parse(String body) {
        if (body.length() > MAX_BYTES || body.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return new Parsed.Bad("policy longer than 64 KiB");
        }
        List<String> lines = lines(body);
        int last = lines.size();
        while (last > 0 && lines.get(last - 1).isEmpty()) {
            last--;
        }
        boolean version = false;
        Mode mode = null;
        Long maxAge = null;
        List<String> mx = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            String line = lines.get(i);
            String where = "line " + (i + 1) + ": ";
            int colon = keyEnd(line);
            if (colon < 0) {
                return new Parsed.Bad(where + "not 'key: value'");
            }
            String key = line.substring(0, colon);
            String value = value(line, colon + 1);
            if (value == null) {
                return new Parsed.Bad(where + "bad value for " + key);
            }
            switch (key) {
                case "version":
                    if (version || !value.equals("STSv1")) {
                        return new Parsed.Bad(where + (version ? "version given twice" : "version is not STSv1"));
                    }
                    version = true;
                    break;
                case "mode":
                    if (mode != null) {
                        return new Parsed.Bad(where + "mode given twice");
                    }
                    mode = mode(value);
                    if (mode == null) {
                        return new Parsed.Bad(where + "mode must be enforce, testing or none");
                    }
                    break;
                case "max_age":
                    if (maxAge != null) {
                        return new Parsed.Bad(where + "max_age given twice");
                    }
                    // sts-policy-max-age-value = 1*10(DIGIT), at most 31557600
                    if (!value.matches("[0-9]{1,10}") || Long.parseLong(value) > MAX_AGE_SECONDS) {
                        return new Parsed.Bad(where + "max_age must be 0 to " + MAX_AGE_SECONDS + " seconds");
                    }
                    maxAge = Long.parseLong(value);
                    break;
                case "mx":
                    if (!MxPattern.isPattern(value)) {
                        return new Parsed.Bad(where + "mx '" + Printable.of(value) + "' is not a host name or *.domain");
                    }
                    mx.add(value.toLowerCase(Locale.ROOT));
                    break;
                default:
                    break; // an extension field (§3.2): ignored
            }
        }
        if (!version) {
            return new Parsed.Bad("no version: STSv1");
        }
        if (mode == null) {
            return new Parsed.Bad("no mode");
        }
        if (maxAge == null) {
            return new Parsed.Bad("no max_age");
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            return new Parsed.Bad("no mx (required unless mode is none)");
        }
        return new Parsed.Ok(new MtaStsPolicy(mode, mx, Duration.ofSeconds(maxAge)));
    }

    /** The lines of {@code body}: split at LF, one CR before it dropped; a final line without LF kept. */
    private static List<String> lines(String body) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < body.length()) {
            int lf = body.indexOf('\n', start);
            int end = lf < 0 ? body.length() : lf;
            int cut = lf > start && body.charAt(lf - 1) == '\r' ? end - 1 : end;
            lines.add(body.substring(start, cut));
            start = end + 1;
        }
        return lines;
    }

    /**
     * sts-policy-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), then ":": the
     * index of the ':' or -1. The fixed keys (version, mode, mx, max_age) fit this too.
     */
    private static int keyEnd(String line) {
        int i = 0;
        while (i < line.length() && i < 32) {
            char c = line.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.'))) {
                break;
            }
            i++;
        }
        return i > 0 && i < line.length() && line.charAt(i) == ':' ? i : -1;
    }

    /**
     * The value after {@code field-delim = ":" *WSP}, trailing spaces and tabs dropped: one or more
     * characters, no controls, spaces only inside (sts-policy-ext-value). Null when it does not fit.
     */
    private static String value(String line, int from) {
        int start = from;
        while (start < line.length() && (line.charAt(start) == ' ' || line.charAt(start) == '\t')) {
            start++;
        }
        int end = line.length();
        while (end > start && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
            end--;
        }
        if (start == end) {
            return null;
        }
        for (int i = start; i < end; i++) {
            char c = line.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(line.charAt(i + 1))) {
                i++; // a character beyond U+FFFF
                continue;
            }
            if (c != ' ' && (c < 0x21 || Character.isISOControl(c) || Character.isSurrogate(c))) {
                return null;
            }
        }
        return line.substring(start, end);
    }

    private static Mode mode(String v) {
        switch (v) {
            case "enforce": return Mode.ENFORCE;
            case "testing": return Mode.TESTING;
            case "none": return Mode.NONE;
            default: return null;
        }
    }
}
