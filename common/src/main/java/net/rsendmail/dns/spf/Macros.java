package net.rsendmail.dns.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Macro expansion of domain-specs (RFC 7208 §7): {@code %{s}}, {@code %{l}}, {@code %{o}},
 * {@code %{d}}, {@code %{i}}, {@code %{p}}, {@code %{v}}, {@code %{h}} with digit and {@code r}
 * transformers and delimiters, {@code %%}, {@code %_}, {@code %-}; an upper-case letter
 * URL-escapes (§7.3). {@code %{p}} expands to "unknown" (§7.3 allows it; its use is discouraged).
 * {@code c}, {@code r}, {@code t} belong to exp= texts only, which are not evaluated.
 */
final class Macros {
    /** What the letters stand for in one check_host() call; {@code domain} is the current one. */
    record Context(InetAddress ip, String sender, String localPart, String senderDomain, String helo) {
    }

    private static final String DELIMITERS = ".-+,/_=";

    private Macros() {
    }

    /** Syntax only (a record with a bad macro is a permerror even when the term is never reached). */
    static void check(String spec) throws SpfException {
        expand(spec, null, null);
    }

    static String expand(String spec, Context c, String domain) throws SpfException {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char ch = spec.charAt(i);
            if (ch != '%') {
                if (ch < 0x21 || ch > 0x7e) {
                    throw SpfException.perm("bad character in '" + spec + "'");
                }
                out.append(ch);
                continue;
            }
            if (++i >= spec.length()) {
                throw SpfException.perm("'%' at the end of '" + spec + "'");
            }
            char n = spec.charAt(i);
            if (n == '%') {
                out.append('%');
            } else if (n == '_') {
                out.append(' ');
            } else if (n == '-') {
                out.append("%20");
            } else if (n == '{') {
                int close = spec.indexOf('}', i);
                if (close < 0) {
                    throw SpfException.perm("'%{' without '}' in '" + spec + "'");
                }
                out.append(macro(spec.substring(i + 1, close), spec, c, domain));
                i = close;
            } else {
                throw SpfException.perm("bad macro '%" + n + "' in '" + spec + "'");
            }
        }
        return out.toString();
    }

    private static String macro(String body, String spec, Context c, String domain) throws SpfException {
        if (body.isEmpty()) {
            throw SpfException.perm("empty macro in '" + spec + "'");
        }
        char letter = body.charAt(0);
        int i = 1;
        int digits = 0;
        int start = i;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            i++;
        }
        if (i > start) {
            if (i - start > 3 || Integer.parseInt(body.substring(start, i)) == 0) {
                throw SpfException.perm("bad transformer in '" + spec + "'");
            }
            digits = Integer.parseInt(body.substring(start, i));
        }
        boolean reverse = false;
        if (i < body.length() && (body.charAt(i) == 'r' || body.charAt(i) == 'R')) {
            reverse = true;
            i++;
        }
        String delimiters = body.substring(i);
        for (char d : delimiters.toCharArray()) {
            if (DELIMITERS.indexOf(d) < 0) {
                throw SpfException.perm("bad delimiter '" + d + "' in '" + spec + "'");
            }
        }
        char lower = Character.toLowerCase(letter);
        if ("slodipvh".indexOf(lower) < 0) {
            throw SpfException.perm("bad macro letter '" + letter + "' in '" + spec + "'");
        }
        if (c == null) {
            return "x"; // syntax check only
        }
        String value;
        switch (lower) {
            case 's': value = c.sender(); break;
            case 'l': value = c.localPart(); break;
            case 'o': value = c.senderDomain(); break;
            case 'd': value = domain; break;
            case 'i': value = ipText(c.ip()); break;
            case 'p': value = "unknown"; break;
            case 'v': value = c.ip() instanceof Inet4Address ? "in-addr" : "ip6"; break;
            default: value = c.helo(); break;
        }
        List<String> parts = split(value, delimiters.isEmpty() ? "." : delimiters);
        if (reverse) {
            Collections.reverse(parts);
        }
        if (digits > 0 && digits < parts.size()) {
            parts = parts.subList(parts.size() - digits, parts.size());
        }
        String joined = String.join(".", parts);
        return Character.isUpperCase(letter) ? escape(joined) : joined;
    }

    private static List<String> split(String value, String delimiters) {
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < value.length(); i++) {
            if (delimiters.indexOf(value.charAt(i)) >= 0) {
                parts.add(value.substring(from, i));
                from = i + 1;
            }
        }
        parts.add(value.substring(from));
        return parts;
    }

    /** §7.3: dotted quad, or the 32 nibbles of an IPv6 address, dot-separated. */
    static String ipText(InetAddress ip) {
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return ip.getHostAddress();
        }
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(Character.forDigit((x >> 4) & 0xf, 16)).append('.').append(Character.forDigit(x & 0xf, 16)).append('.');
        }
        return s.substring(0, s.length() - 1);
    }

    /** §7.3: "characters not in the unreserved set (RFC 3986 §2.3) are URL-escaped". */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char ch = (char) (b & 0xff);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || "-._~".indexOf(ch) >= 0) {
                out.append(ch);
            } else {
                out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** §7.3: an expansion longer than 253 characters loses labels on the left until it fits. */
    static String truncate(String domain) {
        String d = domain;
        while (d.length() > 253 && d.indexOf('.') >= 0) {
            d = d.substring(d.indexOf('.') + 1);
        }
        return d;
    }
}
