package net.rsendmail.dns.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsName;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.MailExchanger;

/**
 * check_host() of RFC 7208 §4: the SPF verdict for a client address and a MAIL FROM (or HELO)
 * identity. Limits of §4.6.4: at most 10 terms that query DNS (include, a, mx, ptr, exists,
 * redirect), at most 2 of their lookups void (no data or no such name), at most 10 exchangers
 * per mx and 10 names per ptr. A failed or bogus DNS answer is a temperror (§2.6.6).
 */
public final class SpfEvaluator {
    public static final int MAX_LOOKUPS = 10;
    public static final int MAX_VOID_LOOKUPS = 2;
    public static final int MAX_NAMES = 10;

    private final DnsResolver dns;

    public SpfEvaluator(DnsResolver dns) {
        this.dns = dns;
    }

    /**
     * {@code sender}: the MAIL FROM address, empty for the null sender (then the HELO identity,
     * postmaster@{@code helo}, is checked, §2.4).
     */
    public SpfVerdict check(InetAddress ip, String sender, String helo) {
        String s = sender.isEmpty() ? "postmaster@" + helo : sender.indexOf('@') < 0 ? "postmaster@" + sender : sender;
        int at = s.lastIndexOf('@');
        String local = at == 0 ? "postmaster" : s.substring(0, at);
        String domain = s.substring(at + 1);
        Run run = new Run(new Macros.Context(ip, local + "@" + domain, local, domain, helo));
        try {
            return run.checkHost(domain);
        } catch (SpfException e) {
            return new SpfVerdict(e.result, e.getMessage());
        }
    }

    /** One evaluation: its counters span every include and redirect. */
    private final class Run {
        private final Macros.Context context;
        private int lookups;
        private int voids;

        Run(Macros.Context context) {
            this.context = context;
        }

        SpfVerdict checkHost(String domain) throws SpfException {
            // §4.3: a malformed or single-label domain has no SPF
            if (DnsName.parse(domain) == null || DnsName.text(DnsName.parse(domain)).indexOf('.') < 0) {
                return new SpfVerdict(SpfResult.NONE, "'" + domain + "' is not a domain name");
            }
            String d = DnsName.text(DnsName.parse(domain));
            Answer<String> txt = dns.txt(d);
            List<String> spf = new ArrayList<>();
            if (txt instanceof Answer.Found<String> f) {
                for (String t : f.records()) {
                    if (SpfRecord.isSpf(t)) {
                        spf.add(t);
                    }
                }
            } else if (txt instanceof Answer.Failed<String> x) {
                throw SpfException.temp(x.reason());
            } else if (txt instanceof Answer.Bogus<String> b) {
                throw SpfException.temp(b.reason());
            }
            if (spf.isEmpty()) {
                return new SpfVerdict(SpfResult.NONE, d + " has no SPF record");
            }
            if (spf.size() > 1) {
                throw SpfException.perm(d + " has " + spf.size() + " SPF records (RFC 7208 §4.5)");
            }
            SpfRecord record = SpfRecord.parse(spf.get(0));
            for (SpfRecord.Directive dir : record.directives()) {
                if (matches(dir.mechanism(), d)) {
                    return new SpfVerdict(dir.result(), "'" + dir.text() + "' of " + d + " matched " + context.ip()
                            .getHostAddress());
                }
            }
            if (record.redirect().isPresent()) {
                count();
                String target = target(record.redirect().get(), d);
                SpfVerdict v = checkHost(target);
                if (v.result() == SpfResult.NONE) {
                    throw SpfException.perm("redirect=" + target + " of " + d + ": " + v.why());
                }
                return v;
            }
            return new SpfVerdict(SpfResult.NEUTRAL, "no mechanism of " + d + " matched " + context.ip().getHostAddress());
        }

        private boolean matches(SpfRecord.Mechanism m, String domain) throws SpfException {
            boolean v4 = context.ip() instanceof Inet4Address;
            if (m instanceof SpfRecord.Mechanism.All) {
                return true;
            }
            if (m instanceof SpfRecord.Mechanism.Ip ip) {
                return Cidr.contains(ip.network(), ip.prefix(), context.ip());
            }
            count();
            if (m instanceof SpfRecord.Mechanism.Include inc) {
                String target = target(inc.domain(), domain);
                SpfVerdict v = checkHost(target);
                switch (v.result()) {
                    case PASS: return true;
                    case NONE: throw SpfException.perm("include:" + target + " of " + domain + ": " + v.why());
                    default: return false; // fail, softfail, neutral: no match (§5.2); errors were thrown
                }
            }
            if (m instanceof SpfRecord.Mechanism.A a) {
                String target = a.domain().isPresent() ? target(a.domain().get(), domain) : domain;
                return anyIn(addresses(target, v4), v4 ? a.cidr4() : a.cidr6());
            }
            if (m instanceof SpfRecord.Mechanism.Mx mx) {
                String target = mx.domain().isPresent() ? target(mx.domain().get(), domain) : domain;
                List<MailExchanger> hosts = records(dns.mxRecords(target));
                if (hosts.size() > MAX_NAMES) {
                    throw SpfException.perm("mx of " + target + ": more than " + MAX_NAMES + " exchangers (RFC 7208 §4.6.4)");
                }
                for (MailExchanger h : hosts) {
                    if (h.host().equals(".")) {
                        continue; // a null MX names no host
                    }
                    if (anyIn(addresses(h.host(), v4), v4 ? mx.cidr4() : mx.cidr6())) {
                        return true;
                    }
                }
                return false;
            }
            if (m instanceof SpfRecord.Mechanism.Ptr p) {
                String target = p.domain().isPresent() ? target(p.domain().get(), domain) : domain;
                return ptr(target, v4);
            }
            SpfRecord.Mechanism.Exists e = (SpfRecord.Mechanism.Exists) m;
            return !records(dns.a(target(e.domain(), domain))).isEmpty(); // §5.7: an A query, whatever the client
        }

        /** §5.5: a name of the client's PTR records, forward-confirmed, that is the target or below it. */
        private boolean ptr(String target, boolean v4) throws SpfException {
            Answer<String> names = dns.ptr(context.ip());
            if (!(names instanceof Answer.Found<String> f)) {
                return false; // "If a DNS error occurs while doing the PTR RR lookup, then this mechanism fails to match"
            }
            List<String> list = f.records();
            for (String name : list.subList(0, Math.min(MAX_NAMES, list.size()))) {
                Answer<InetAddress> forward = v4 ? dns.a(name) : dns.aaaa(name);
                boolean confirmed = forward instanceof Answer.Found<InetAddress> fa && fa.records().contains(context.ip());
                String n = name.toLowerCase(Locale.ROOT);
                if (confirmed && (n.equals(target) || n.endsWith("." + target))) {
                    return true;
                }
            }
            return false;
        }

        private List<InetAddress> addresses(String host, boolean v4) throws SpfException {
            return records(v4 ? dns.a(host) : dns.aaaa(host));
        }

        private boolean anyIn(List<InetAddress> addresses, int prefix) {
            for (InetAddress a : addresses) {
                if (Cidr.contains(a, prefix, context.ip())) {
                    return true;
                }
            }
            return false;
        }

        /** The records, none for a void lookup (counted), an error for a failed one. */
        private <T> List<T> records(Answer<T> a) throws SpfException {
            if (a instanceof Answer.Found<T> f) {
                return f.records();
            }
            if (a instanceof Answer.Failed<T> x) {
                throw SpfException.temp(x.reason());
            }
            if (a instanceof Answer.Bogus<T> b) {
                throw SpfException.temp(b.reason());
            }
            if (++voids > MAX_VOID_LOOKUPS) {
                throw SpfException.perm("more than " + MAX_VOID_LOOKUPS + " void DNS lookups (RFC 7208 §4.6.4)");
            }
            return List.of();
        }

        private void count() throws SpfException {
            if (++lookups > MAX_LOOKUPS) {
                throw SpfException.perm("more than " + MAX_LOOKUPS + " DNS-querying terms (RFC 7208 §4.6.4)");
            }
        }

        /** A domain-spec expanded (§7) and checked: a bad one is a permerror. */
        private String target(String spec, String domain) throws SpfException {
            String t = Macros.truncate(Macros.expand(spec, context, domain));
            if (t.endsWith(".")) {
                t = t.substring(0, t.length() - 1);
            }
            if (DnsName.parse(t) == null || t.indexOf('.') < 0) {
                throw SpfException.perm("'" + spec + "' expands to '" + t + "', not a domain name");
            }
            return DnsName.text(DnsName.parse(t));
        }
    }
}
