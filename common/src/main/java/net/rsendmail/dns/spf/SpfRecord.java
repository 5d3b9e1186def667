package net.rsendmail.dns.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.rsendmail.config.NumericAddress;

/**
 * One SPF record, parsed by the grammar of RFC 7208 §12: directives in order, and the
 * {@code redirect=} and {@code exp=} modifiers (each at most once, §6); other modifiers are
 * checked for syntax and ignored (§6). Anything else is a permerror.
 */
record SpfRecord(List<Directive> directives, Optional<String> redirect) {
    /** {@code v=spf1} followed by a space or the end (§4.5), in any case. */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, "v=spf1", 0, 6) && (txt.length() == 6 || txt.charAt(6) == ' ');
    }

    /** A qualifier (§4.6.2) and its mechanism. */
    record Directive(SpfResult result, Mechanism mechanism, String text) {
    }

    /** §5: the mechanisms. {@code domain} empty: the domain being checked. */
    sealed interface Mechanism {
        record All() implements Mechanism {
        }

        record Include(String domain) implements Mechanism {
        }

        record A(Optional<String> domain, int cidr4, int cidr6) implements Mechanism {
        }

        record Mx(Optional<String> domain, int cidr4, int cidr6) implements Mechanism {
        }

        record Ptr(Optional<String> domain) implements Mechanism {
        }

        record Ip(InetAddress network, int prefix) implements Mechanism {
        }

        record Exists(String domain) implements Mechanism {
        }
    }

    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Pattern CIDR = Pattern.compile("0|[1-9][0-9]{0,2}");

    static SpfRecord parse(String txt) throws SpfException {
        List<Directive> directives = new ArrayList<>();
        String redirect = null;
        boolean exp = false;
        String[] terms = txt.substring(6).split(" ", -1);
        for (String term : terms) {
            if (term.isEmpty()) {
                continue; // 1*SP between terms, trailing *SP
            }
            Matcher m = MODIFIER.matcher(term);
            if (m.matches()) {
                String name = m.group(1).toLowerCase(Locale.ROOT);
                Macros.check(m.group(2));
                if (name.equals("redirect")) {
                    if (redirect != null) {
                        throw SpfException.perm("two redirect= modifiers (RFC 7208 §6)");
                    }
                    redirect = requireDomainSpec(m.group(2), term);
                } else if (name.equals("exp")) {
                    if (exp) {
                        throw SpfException.perm("two exp= modifiers (RFC 7208 §6)");
                    }
                    exp = true;
                }
                continue;
            }
            directives.add(directive(term));
        }
        return new SpfRecord(directives, Optional.ofNullable(redirect));
    }

    private static Directive directive(String term) throws SpfException {
        SpfResult q = SpfResult.PASS;
        String t = term;
        switch (t.charAt(0)) {
            case '+': q = SpfResult.PASS; t = t.substring(1); break;
            case '-': q = SpfResult.FAIL; t = t.substring(1); break;
            case '~': q = SpfResult.SOFTFAIL; t = t.substring(1); break;
            case '?': q = SpfResult.NEUTRAL; t = t.substring(1); break;
            default: break;
        }
        int end = 0;
        while (end < t.length() && t.charAt(end) != ':' && t.charAt(end) != '/') {
            end++;
        }
        String name = t.substring(0, end).toLowerCase(Locale.ROOT);
        String rest = t.substring(end);
        Mechanism mech;
        switch (name) {
            case "all":
                if (!rest.isEmpty()) {
                    throw SpfException.perm("'" + term + "': all takes no argument");
                }
                mech = new Mechanism.All();
                break;
            case "include":
                mech = new Mechanism.Include(requireDomainSpec(colon(rest, term), term));
                break;
            case "exists":
                mech = new Mechanism.Exists(requireDomainSpec(colon(rest, term), term));
                break;
            case "ptr":
                mech = new Mechanism.Ptr(optionalSpec(rest, term));
                break;
            case "a":
            case "mx": {
                int cidr6 = 128;
                int cidr4 = 32;
                int dbl = rest.lastIndexOf("//");
                if (dbl >= 0) {
                    cidr6 = cidr(rest.substring(dbl + 2), 128, term);
                    rest = rest.substring(0, dbl);
                }
                int slash = rest.lastIndexOf('/');
                if (slash >= 0) {
                    cidr4 = cidr(rest.substring(slash + 1), 32, term);
                    rest = rest.substring(0, slash);
                }
                Optional<String> spec = optionalSpec(rest, term);
                mech = name.equals("a") ? new Mechanism.A(spec, cidr4, cidr6) : new Mechanism.Mx(spec, cidr4, cidr6);
                break;
            }
            case "ip4":
            case "ip6": {
                String net = colon(rest, term);
                boolean v4 = name.equals("ip4");
                int prefix = v4 ? 32 : 128;
                int slash = net.indexOf('/');
                if (slash >= 0) {
                    prefix = cidr(net.substring(slash + 1), v4 ? 32 : 128, term);
                    net = net.substring(0, slash);
                }
                InetAddress a;
                try {
                    a = NumericAddress.parse(net);
                } catch (IllegalArgumentException e) {
                    throw SpfException.perm("'" + term + "': " + e.getMessage());
                }
                if ((a instanceof Inet4Address) != v4 || (!v4 && net.indexOf(':') < 0)) {
                    throw SpfException.perm("'" + term + "': not an " + (v4 ? "IPv4" : "IPv6") + " network");
                }
                mech = new Mechanism.Ip(a, prefix);
                break;
            }
            default:
                throw SpfException.perm("unknown mechanism '" + term + "' (RFC 7208 §5)");
        }
        return new Directive(q, mech, term);
    }

    private static String colon(String rest, String term) throws SpfException {
        if (!rest.startsWith(":") || rest.length() == 1) {
            throw SpfException.perm("'" + term + "': expected ':' and a value");
        }
        return rest.substring(1);
    }

    private static Optional<String> optionalSpec(String rest, String term) throws SpfException {
        return rest.isEmpty() ? Optional.empty() : Optional.of(requireDomainSpec(colon(rest, term), term));
    }

    private static String requireDomainSpec(String spec, String term) throws SpfException {
        if (spec.isEmpty()) {
            throw SpfException.perm("'" + term + "': empty domain");
        }
        Macros.check(spec);
        return spec;
    }

    private static int cidr(String digits, int max, String term) throws SpfException {
        if (!CIDR.matcher(digits).matches() || Integer.parseInt(digits) > max) {
            throw SpfException.perm("'" + term + "': bad CIDR length '" + digits + "'");
        }
        return Integer.parseInt(digits);
    }

    static boolean isName(String s) {
        return NAME.matcher(s).matches();
    }
}
