package net.rsendmail.mtasts;

import net.rsendmail.mail.Printable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsName;
import net.rsendmail.dns.DnsResolver;

/**
 * The MTA-STS TXT record at {@code _mta-sts.DOMAIN} (RFC 8461 §3.1): {@code v=STSv1}, then
 * {@code id=} (1 to 32 letters and digits: the policy's version) and any extension fields, each
 * after a {@code ;} with optional spaces or tabs around it, a final {@code ;} allowed.
 */
public record MtaStsRecord(String id, Map<String, String> extensions) {
    private static final String VERSION = "v=STSv1";

    public MtaStsRecord {
        extensions = Map.copyOf(extensions);
    }

    /** What {@link #discover} found. */
    public sealed interface Lookup permits Lookup.None, Lookup.Found, Lookup.Failed {
        /** No STSv1 record, several, or one that does not parse (§3.1): the domain has no policy. */
        record None() implements Lookup {
        }

        record Found(MtaStsRecord record) implements Lookup {
        }

        /** The DNS gave no usable answer (timeout, SERVFAIL, DNSSEC bogus). */
        record Failed(String reason) implements Lookup {
        }
    }

    /**
     * {@code txt} as an STSv1 record, following the §3.1 ABNF exactly; empty when it is not one
     * (another version, a field that does not fit, no id, a field given twice).
     */
    public static Optional<MtaStsRecord> parse(String txt) {
        if (txt == null || !txt.startsWith(VERSION)) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int n = txt.length();
        int p = VERSION.length();
        while (true) {
            // field-delim = *WSP ";" *WSP
            int q = skipWsp(txt, p);
            if (q == n) {
                if (q != p) {
                    return Optional.empty(); // spaces after a field with no ';'
                }
                break;
            }
            if (txt.charAt(q) != ';') {
                return Optional.empty();
            }
            q = skipWsp(txt, q + 1);
            if (q == n) {
                break; // the optional final delimiter
            }
            int eq = fieldName(txt, q);
            if (eq < 0) {
                return Optional.empty();
            }
            int end = eq + 1;
            while (end < n && isExtValueChar(txt.charAt(end))) {
                end++;
            }
            String name = txt.substring(q, eq);
            if (end == eq + 1 || name.equals("v") || fields.putIfAbsent(name, txt.substring(eq + 1, end)) != null) {
                return Optional.empty();
            }
            p = end;
        }
        String id = fields.remove("id");
        if (id == null || !id.matches("[A-Za-z0-9]{1,32}")) {
            return Optional.empty();
        }
        return Optional.of(new MtaStsRecord(id, fields));
    }

    /** Looks up {@code _mta-sts.DOMAIN} TXT through {@code dns}. */
    public static Lookup discover(DnsResolver dns, String domain) {
        String d = domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain;
        if (DnsName.parse(d) == null) {
            return new Lookup.Failed("'" + Printable.of(domain) + "' is not a domain name");
        }
        return of(dns.txt("_mta-sts." + d.toLowerCase(Locale.ROOT)));
    }

    /**
     * The lookup's answer read as §3.1 says: records not starting with {@code v=STSv1;} are
     * discarded; exactly one must remain and parse, else there is no policy.
     */
    static Lookup of(Answer<String> txt) {
        if (txt instanceof Answer.Found<String> found) {
            List<String> sts = new ArrayList<>();
            for (String t : found.records()) {
                if (isStsV1(t)) {
                    sts.add(t);
                }
            }
            if (sts.size() != 1) {
                return new Lookup.None();
            }
            return parse(sts.get(0)).<Lookup>map(Lookup.Found::new).orElse(new Lookup.None());
        }
        if (txt instanceof Answer.NoData || txt instanceof Answer.NxDomain) {
            return new Lookup.None();
        }
        if (txt instanceof Answer.Bogus<String> bogus) {
            return new Lookup.Failed("DNSSEC validation failed: " + bogus.reason());
        }
        return new Lookup.Failed(((Answer.Failed<String>) txt).reason());
    }

    /** "v=STSv1" and then a field delimiter: a record that claims to be STSv1, valid or not. */
    private static boolean isStsV1(String t) {
        if (!t.startsWith(VERSION)) {
            return false;
        }
        int q = skipWsp(t, VERSION.length());
        return q < t.length() && t.charAt(q) == ';';
    }

    private static int skipWsp(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    /**
     * sts-ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."), followed by "=":
     * the index of that "=", or -1.
     */
    private static int fieldName(String s, int start) {
        int i = start;
        while (i < s.length() && i - start < 32) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && (i == start || (c != '_' && c != '-' && c != '.'))) {
                break;
            }
            i++;
        }
        return i > start && i < s.length() && s.charAt(i) == '=' ? i : -1;
    }

    /** sts-ext-value: %x21-3A / %x3C / %x3E-7E (printable ASCII but '=', ';' and space). */
    private static boolean isExtValueChar(char c) {
        return (c >= 0x21 && c <= 0x3a) || c == 0x3c || (c >= 0x3e && c <= 0x7e);
    }
}
