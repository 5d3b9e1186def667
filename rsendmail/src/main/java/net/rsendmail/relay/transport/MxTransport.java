package net.rsendmail.relay.transport;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DaneMatch;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSetupException;
import net.rsendmail.dns.MailExchanger;
import net.rsendmail.dns.MailRoute;
import net.rsendmail.dns.Tlsa;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mtasts.MtaSts;
import net.rsendmail.mtasts.MtaStsPolicy;
import net.rsendmail.relay.spool.Spool;
import net.rsendmail.smtp.Replies;
import net.rsendmail.relay.transport.SmtpSettings.TlsMode;

/**
 * {@code transport mx}: each recipient domain's mail exchangers, directly (RFC 5321 §5.1), one
 * transaction per domain. MX hosts are tried by preference (equal ones shuffled, the domain itself
 * when it has no MX), each of its addresses in turn, until one answers; a null MX (RFC 7505) fails
 * at once, for good. Where the MX records and the host's addresses are DNSSEC-validated and the
 * host publishes usable TLSA records, TLS is mandatory and checked against them (DANE, RFC 7672);
 * a host whose TLSA lookup fails is skipped (§2.2). Else, where the domain's MTA-STS policy
 * (RFC 8461) is in enforce mode, only the MX hosts it names are used, each with a certificate
 * valid for its name. Otherwise {@code smtp_tls} applies (by default {@code may}). The SMTP
 * session itself, REQUIRETLS and {@code TLS-Required: No} are {@link SmtpTransport}'s; one session
 * per MX host carries every message of the channel.
 */
final class MxTransport implements Transport {
    /** MX hosts tried per domain (Postfix: smtp_mx_session_limit 2, smtp_mx_address_limit 5). */
    static final int MAX_HOSTS = 5;

    private final TransportSetting.Mx setting;
    private DnsResolver dns;
    /** The session to each MX host, by host and TLS policy. */
    private final Map<String, SmtpTransport> hops = new HashMap<>();
    /** What DNS said of each MX host, for the channel (a later message skips the lookups). */
    private final Map<String, Hop> known = new HashMap<>();
    /** Each domain's MTA-STS outcome, for the channel. */
    private final Map<String, MtaSts.Outcome> policies = new HashMap<>();

    MxTransport(TransportSetting.Mx setting) {
        this.setting = setting;
    }

    @Override
    public boolean honoursRequireTls() {
        return true; // only to a host verified by DANE (or smtp_tls verify) that offers it: SmtpTransport
    }

    @Override
    public List<RecipientReply> deliver(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal {
        envelope.smtpSender(); // before any DNS lookup
        Map<String, List<String>> byDomain = new LinkedHashMap<>();
        for (String r : envelope.recipients()) {
            byDomain.computeIfAbsent(domainOf(r), d -> new ArrayList<>()).add(r);
        }
        Map<String, RecipientReply> replies = new HashMap<>();
        for (Map.Entry<String, List<String>> d : byDomain.entrySet()) {
            Envelope part = envelope.withRecipients(d.getValue());
            List<RecipientReply> got;
            try {
                got = toDomain(d.getKey(), part, spool, skip);
            } catch (Refusal r) {
                // this domain's session failed midway; the others' replies stand
                got = all(part, new Reply(Replies.code(r.status()), r.status(), r.reason()));
            }
            for (RecipientReply r : got) {
                replies.put(r.recipient(), r);
            }
        }
        List<RecipientReply> out = new ArrayList<>();
        for (String r : envelope.recipients()) {
            out.add(replies.get(r));
        }
        return out;
    }

    private List<RecipientReply> toDomain(String domain, Envelope envelope, Spool spool, List<int[]> skip)
            throws Refusal {
        MailRoute route = dns().mx(domain);
        if (route instanceof MailRoute.NullMx) {
            return all(envelope, new Reply(556, "5.1.10", domain + " accepts no mail (null MX, RFC 7505)"));
        }
        if (route instanceof MailRoute.NoRoute none) {
            return all(envelope, noRoute(domain, none.why()));
        }
        MailRoute.Exchangers mx = (MailRoute.Exchangers) route;
        MtaStsPolicy sts = enforced(domain);
        List<String> tried = new ArrayList<>();
        boolean onlyTls = true;
        for (MailExchanger host : mx.hosts().subList(0, Math.min(MAX_HOSTS, mx.hosts().size()))) {
            if (sts != null && !sts.matches(host.host())) {
                // RFC 8461 §4.1: an MX host the policy does not name is not used
                tried.add(host.host() + ": not an mx of " + domain + "'s MTA-STS policy");
                continue;
            }
            Hop hop = known.computeIfAbsent(host.host() + (mx.secure() ? " secure" : "") + (sts != null ? " sts" : ""),
                    k -> hop(host.host(), mx.secure(), sts != null));
            if (hop instanceof Hop.Unusable u) {
                tried.add(u.why());
                onlyTls &= u.tls();
                continue;
            }
            SmtpTransport t = ((Hop.Usable) hop).transport();
            try {
                t.connect(envelope, spool);
            } catch (Refusal r) {
                tried.add(r.reason());
                onlyTls &= r.status().startsWith("4.7.");
                continue;
            }
            return t.deliver(envelope, spool, skip);
        }
        return all(envelope, new Reply(451, onlyTls ? "4.7.5" : "4.4.1", "no MX host of " + domain
                + " took the message: " + String.join("; ", tried)));
    }

    /** What is known of one MX host: where it is and how TLS must be, or why it cannot be used. */
    private sealed interface Hop {
        record Usable(SmtpTransport transport) implements Hop {
        }

        record Unusable(String why, boolean tls) implements Hop {
        }
    }

    /**
     * The domain's MTA-STS policy when it is in enforce mode (RFC 8461 §5), else null: no policy,
     * testing or none, or one that cannot be had now (§5.1: with none cached, as if there were none).
     */
    private MtaStsPolicy enforced(String domain) throws Refusal {
        MtaSts.Outcome o = policies.get(domain);
        if (o == null) {
            SmtpSettings s = setting.smtp();
            o = MtaSts.policyFor(dns, domain, TlsSockets.pkix(s), s.connectTimeout());
            policies.put(domain, o);
        }
        return o instanceof MtaSts.Outcome.Policy p && p.policy().mode() == MtaStsPolicy.Mode.ENFORCE ? p.policy() : null;
    }

    private Hop hop(String host, boolean mxSecure, boolean stsEnforced) {
        List<InetAddress> addresses = new ArrayList<>();
        boolean secure = true;
        List<String> problems = new ArrayList<>();
        InetProtocols inet = setting.smtp().inet();
        List<Answer<InetAddress>> answers = new ArrayList<>();
        if (inet != InetProtocols.IPV4) {
            answers.add(dns.aaaa(host));
        }
        if (inet != InetProtocols.IPV6) {
            answers.add(dns.a(host));
        }
        for (Answer<InetAddress> a : answers) {
            if (a instanceof Answer.Found<InetAddress> f) {
                secure &= f.secure();
                for (InetAddress x : f.records()) {
                    if (addresses.size() < SmtpTransport.MAX_ADDRESSES) {
                        addresses.add(x);
                    }
                }
            } else if (a instanceof Answer.Failed<InetAddress> failed) {
                problems.add(failed.reason());
            } else if (a instanceof Answer.Bogus<InetAddress> bogus) {
                problems.add(bogus.reason() + " (DNSSEC)");
            } else {
                secure &= secure(a);
            }
        }
        if (addresses.isEmpty()) {
            return new Hop.Unusable(host + ": no " + (inet == InetProtocols.ALL ? "" : inet.word() + " ") + "address"
                    + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"), false);
        }
        TlsMode tls = setting.smtp().tls();
        List<Tlsa> dane = List.of();
        if (mxSecure && secure) {
            // RFC 7672 §2.2: TLSA only for a host reached through validated MX and address records
            String base = "_25._tcp." + host;
            Answer<Tlsa> t = dns.tlsa(base);
            if (t instanceof Answer.Found<Tlsa> f && f.secure()) {
                dane = f.records().stream().filter(DaneMatch::usable).toList();
                // none usable: TLS all the same, unauthenticated (RFC 7672 §2.2)
                tls = !dane.isEmpty() ? TlsMode.VERIFY : tls == TlsMode.VERIFY ? tls : TlsMode.ENCRYPT;
            } else if (t instanceof Answer.Bogus<Tlsa> b) {
                return new Hop.Unusable(host + ": TLSA " + base + " does not validate (" + b.reason() + ")", true);
            } else if (t instanceof Answer.Failed<Tlsa> f) {
                return new Hop.Unusable(host + ": no answer for TLSA " + base + " (" + f.reason() + ")", true);
            }
        }
        if (dane.isEmpty() && stsEnforced) {
            tls = TlsMode.VERIFY; // RFC 8461 §4.2: a certificate valid for the MX host name; DANE comes first (§2)
        }
        SmtpSettings s = setting.smtp().forHop(host, tls);
        String key = host + " " + tls + " " + dane;
        List<Tlsa> usable = dane;
        return new Hop.Usable(hops.computeIfAbsent(key, k -> new SmtpTransport(s, addresses, usable)));
    }

    private static boolean secure(Answer<?> a) {
        return a instanceof Answer.NoData<?> n ? n.secure() : a instanceof Answer.NxDomain<?> x && x.secure();
    }

    /** RFC 3463: 5.1.2 for a domain that cannot take mail, 4.4.3 while DNS does not answer. */
    private static Reply noRoute(String domain, Answer<?> why) {
        if (why instanceof Answer.NxDomain) {
            return new Reply(550, "5.1.2", domain + " does not exist (DNS: no such domain)");
        }
        if (why instanceof Answer.NoData) {
            return new Reply(550, "5.1.2", domain + " has no MX and no address");
        }
        if (why instanceof Answer.Bogus<?> b) {
            return new Reply(451, "4.7.5", "MX of " + domain + " does not validate (DNSSEC): " + b.reason());
        }
        return new Reply(451, "4.4.3", "no MX for " + domain + " now: " + ((Answer.Failed<?>) why).reason());
    }

    private static List<RecipientReply> all(Envelope envelope, Reply reply) {
        List<RecipientReply> out = new ArrayList<>();
        for (String r : envelope.recipients()) {
            out.add(RecipientReply.of(r, reply));
        }
        return out;
    }

    /** The part after the last {@code @}, lower case (RFC 5321 §2.4: domains are case-insensitive). */
    static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private DnsResolver dns() throws Refusal {
        if (dns == null) {
            net.rsendmail.relay.log.LibraryLogs.silence();
            try {
                dns = DnsResolver.open(setting.dns());
            } catch (DnsSetupException e) {
                throw Refusal.config("transport mx: " + e.getMessage());
            }
        }
        return dns;
    }

    @Override
    public void close() {
        for (SmtpTransport t : hops.values()) {
            t.close();
        }
        hops.clear();
    }
}
