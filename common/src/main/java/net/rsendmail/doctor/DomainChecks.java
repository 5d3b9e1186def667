package net.rsendmail.doctor;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.MailExchanger;
import net.rsendmail.dns.MailRoute;
import net.rsendmail.dns.spf.SpfEvaluator;
import net.rsendmail.dns.spf.SpfResult;
import net.rsendmail.dns.spf.SpfVerdict;
import net.rsendmail.records.DkimRecord;
import net.rsendmail.records.DmarcRecord;
import net.rsendmail.records.TagList;
import net.rsendmail.records.ZoneText;

/**
 * The DNS checks both doctors make of a mail domain, each one {@link Finding} with the record that
 * fixes it: SPF for an egress address (RFC 7208), a DKIM key record (RFC 6376 §3.6.1), DMARC (RFC
 * 7489), PTR with its forward confirmation (RFC 8601 §3 "iprev"), MX (RFC 5321 §5.1, RFC 7505),
 * MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) records.
 */
public final class DomainChecks {
    private final DnsResolver dns;

    public DomainChecks(DnsResolver dns) {
        this.dns = dns;
    }

    /** Whether mail from {@code domain} sent from {@code egress} passes SPF. */
    public Finding spf(String domain, InetAddress egress) {
        String check = "spf " + domain + " " + egress.getHostAddress();
        SpfVerdict v = new SpfEvaluator(dns).check(egress, "postmaster@" + domain, domain);
        String mechanism = (egress instanceof Inet4Address ? "ip4:" : "ip6:") + egress.getHostAddress();
        if (v.result() == SpfResult.PASS) {
            return Finding.pass(check, "pass: " + v.why());
        }
        if (v.result() == SpfResult.TEMPERROR) {
            return Finding.warn(check, "temperror: " + v.why(), "check the DNS servers, then run the doctor again");
        }
        Optional<String> current = spfRecord(domain);
        String fix;
        if (v.result() == SpfResult.PERMERROR) {
            fix = "publish one v=spf1 record with at most " + SpfEvaluator.MAX_LOOKUPS + " DNS-querying terms"
                    + " (include, a, mx, ptr, exists, redirect) that names " + mechanism;
        } else if (current.isPresent()) {
            fix = ZoneText.txt(domain, current.get().replaceFirst("(?i)^v=spf1", "v=spf1 " + mechanism));
        } else {
            fix = ZoneText.txt(domain, "v=spf1 " + mechanism + " ~all");
        }
        return Finding.fail(check, v.result().word() + ": " + v.why(), fix);
    }

    /** The domain's one v=spf1 TXT record, if it has exactly one. */
    private Optional<String> spfRecord(String domain) {
        if (dns.txt(domain) instanceof Answer.Found<String> f) {
            List<String> spf = f.records().stream().filter(t -> t.toLowerCase().matches("v=spf1( .*)?")).toList();
            return spf.size() == 1 ? Optional.of(spf.get(0)) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * The key record at {@code SELECTOR._domainkey.DOMAIN}: present, well-formed, RSA of 2048 bits
     * or more, not revoked; and when {@code expected} is given (this machine's key), that key.
     */
    public Finding dkim(String domain, String selector, Optional<String> expected, String fixRecord) {
        String name = selector + "._domainkey." + domain;
        String check = "dkim " + domain + " " + selector;
        Answer<String> a = dns.txt(name);
        String publish = fixRecord.isEmpty() ? "publish the record sshsendmail --dkim-record " + domain + " " + selector
                + " prints" : fixRecord;
        if (a instanceof Answer.Found<String> f) {
            if (f.records().size() > 1) {
                return Finding.fail(check, name + " has " + f.records().size() + " TXT records; verifiers need one",
                        "keep only: " + publish);
            }
            DkimRecord r = DkimRecord.parse(f.records().get(0));
            if (r instanceof DkimRecord.Invalid bad) {
                return Finding.fail(check, name + ": " + bad.reason(), publish);
            }
            if (r instanceof DkimRecord.Revoked) {
                return Finding.fail(check, name + " has an empty p=: the key is revoked", publish);
            }
            DkimRecord.Key k = (DkimRecord.Key) r;
            if (expected.isPresent() && !expected.get().equals(k.publicKeyBase64())) {
                return Finding.fail(check, name + " publishes another key than the one configured here", publish);
            }
            if (k.type().equals("rsa") && k.bits() < DkimRecord.MIN_RSA_BITS) {
                return Finding.fail(check, name + ": RSA key of " + k.bits() + " bits; verifiers refuse keys below "
                        + DkimRecord.MIN_RSA_BITS + " (RFC 8301 §3.2)", "sshsendmail --dkim-keygen " + domain
                        + " NEWSELECTOR rsa, then publish the record it prints");
            }
            String what = k.type() + (k.type().equals("rsa") ? " " + k.bits() + " bits" : "")
                    + (expected.isPresent() ? ", the configured key" : "") + (f.secure() ? ", DNSSEC-signed" : "");
            if (k.testing()) {
                return Finding.warn(check, name + " (" + what + ") has t=y: verifiers treat failures as unsigned",
                        "remove t=y once signatures verify");
            }
            return Finding.pass(check, name + " published (" + what + ")");
        }
        if (a instanceof Answer.NoData || a instanceof Answer.NxDomain) {
            return Finding.fail(check, "no key record at " + name, publish);
        }
        return lookupTrouble(check, name, a);
    }

    /** DMARC of {@code domain} (or of its parent, RFC 7489 §6.6.3), with what its policy means. */
    public Finding dmarc(String domain) {
        String check = "dmarc " + domain;
        String fix = ZoneText.txt("_dmarc." + domain, "v=DMARC1; p=quarantine; rua=mailto:postmaster@" + domain);
        List<String> names = new ArrayList<>(List.of("_dmarc." + domain));
        int dot = domain.indexOf('.');
        if (dot > 0 && domain.indexOf('.', dot + 1) > 0) {
            names.add("_dmarc." + domain.substring(dot + 1)); // the parent, a stand-in for the organizational domain
        }
        for (String name : names) {
            Answer<String> a = dns.txt(name);
            if (a instanceof Answer.Found<String> f) {
                List<String> dmarc = f.records().stream().filter(t -> t.startsWith("v=DMARC1")).toList();
                if (dmarc.size() != 1) {
                    if (dmarc.isEmpty()) {
                        continue;
                    }
                    return Finding.fail(check, name + " has " + dmarc.size() + " DMARC records: receivers ignore them all",
                            "keep one: " + fix);
                }
                DmarcRecord r = DmarcRecord.parse(dmarc.get(0));
                if (r instanceof DmarcRecord.Invalid bad) {
                    return Finding.fail(check, name + ": " + bad.reason(), fix);
                }
                DmarcRecord.Policy p = (DmarcRecord.Policy) r;
                String policy = "p=" + p.p().name().toLowerCase() + (name.equals(names.get(0)) ? "" : " (from " + name + ")")
                        + "; a mail passes when its DKIM d= " + (p.strictDkim() ? "equals " : "shares the domain of ")
                        + domain + " or its envelope sender's domain " + (p.strictSpf() ? "equals it" : "shares it")
                        + " and SPF passes" + (p.pct() < 100 ? "; applied to " + p.pct() + "%" : "")
                        + (p.rua().isPresent() ? "; reports to " + p.rua().get() : "; no aggregate reports (rua=)");
                if (p.p() == DmarcRecord.Disposition.NONE) {
                    return Finding.warn(check, policy + ": monitoring only, failures are delivered as usual",
                            "once reports show your mail passes: " + ZoneText.txt("_dmarc." + domain,
                                    dmarc.get(0).replaceFirst("p=none", "p=quarantine")));
                }
                return Finding.pass(check, policy);
            }
            if (!(a instanceof Answer.NoData || a instanceof Answer.NxDomain)) {
                return lookupTrouble(check, name, a);
            }
        }
        return Finding.warn(check, "no DMARC record: large receivers file or refuse unauthenticated bulk mail", fix);
    }

    /** The PTR of {@code egress} names a host whose address is {@code egress} again (forward-confirmed). */
    public Finding ptr(InetAddress egress) {
        String check = "ptr " + egress.getHostAddress();
        Answer<String> a = dns.ptr(egress);
        if (a instanceof Answer.Found<String> f) {
            for (String host : f.records()) {
                Answer<InetAddress> fwd = egress instanceof Inet4Address ? dns.a(host) : dns.aaaa(host);
                if (fwd instanceof Answer.Found<InetAddress> back && back.records().contains(egress)) {
                    return Finding.pass(check, host + ", which resolves back to " + egress.getHostAddress());
                }
            }
            return Finding.fail(check, "PTR " + String.join(", ", f.records()) + " does not resolve back to "
                    + egress.getHostAddress() + " (receivers check both ways)", f.records().get(0) + ". IN "
                    + (egress instanceof Inet4Address ? "A " : "AAAA ") + egress.getHostAddress());
        }
        if (a instanceof Answer.NoData || a instanceof Answer.NxDomain) {
            return Finding.fail(check, "no PTR record: many receivers refuse mail from such addresses",
                    "ask the address's provider to set its PTR to your relay's host name (its A/AAAA must match)");
        }
        return lookupTrouble(check, "the PTR of " + egress.getHostAddress(), a);
    }

    /** Where mail to {@code domain} goes: bounces and replies to its senders need it. */
    public Finding mx(String domain) {
        String check = "mx " + domain;
        MailRoute r = dns.mx(domain);
        if (r instanceof MailRoute.Exchangers e) {
            List<String> hosts = e.hosts().stream().map(MailExchanger::host).toList();
            return e.implicit()
                    ? Finding.warn(check, "no MX: mail goes to the domain's own address (RFC 5321 §5.1)",
                            domain + ". IN MX 10 " + hosts.get(0) + ".")
                    : Finding.pass(check, String.join(", ", hosts));
        }
        if (r instanceof MailRoute.NullMx) {
            return Finding.warn(check, "null MX (RFC 7505): the domain receives no mail, so bounces to its senders"
                    + " are lost", "publish an MX if replies or bounces should arrive: " + domain + ". IN MX 10 mx." + domain + ".");
        }
        return Finding.fail(check, "no route for mail to " + domain + ": " + why(((MailRoute.NoRoute) r).why()),
                domain + ". IN MX 10 mx." + domain + ".");
    }

    /** MTA-STS (RFC 8461 §3.1) and TLS-RPT (RFC 8460 §3) records: optional, both WARN when absent. */
    public List<Finding> tlsPolicy(String domain) {
        return List.of(
                tagRecord("mta-sts " + domain, "_mta-sts." + domain, "STSv1", List.of("id"),
                        ZoneText.txt("_mta-sts." + domain, "v=STSv1; id=20260101T000000")
                                + " and the policy at https://mta-sts." + domain + "/.well-known/mta-sts.txt"),
                tagRecord("tls-rpt " + domain, "_smtp._tls." + domain, "TLSRPTv1", List.of("rua"),
                        ZoneText.txt("_smtp._tls." + domain, "v=TLSRPTv1; rua=mailto:postmaster@" + domain)));
    }

    private Finding tagRecord(String check, String name, String version, List<String> required, String fix) {
        Answer<String> a = dns.txt(name);
        if (a instanceof Answer.Found<String> f) {
            List<String> mine = f.records().stream().filter(t -> t.startsWith("v=" + version)).toList();
            if (mine.size() != 1) {
                return mine.isEmpty() ? Finding.warn(check, "no v=" + version + " record at " + name, fix)
                        : Finding.fail(check, name + " has " + mine.size() + " v=" + version + " records", "keep one: " + fix);
            }
            if (TagList.parse(mine.get(0)) instanceof TagList.Parsed.Ok ok) {
                for (String tag : required) {
                    if (ok.list().get(tag).isEmpty()) {
                        return Finding.fail(check, name + " has no " + tag + "=", fix);
                    }
                }
                return Finding.pass(check, name + ": " + mine.get(0));
            }
            return Finding.fail(check, name + " is not a tag=value list: " + mine.get(0), fix);
        }
        if (a instanceof Answer.NoData || a instanceof Answer.NxDomain) {
            return Finding.warn(check, "no record at " + name + " (optional)", fix);
        }
        return lookupTrouble(check, name, a);
    }

    private static Finding lookupTrouble(String check, String name, Answer<?> a) {
        if (a instanceof Answer.Bogus<?> b) {
            return Finding.fail(check, name + ": DNSSEC validation failed (" + b.reason() + ")",
                    "re-sign the zone or fix its DS record at the parent");
        }
        return Finding.warn(check, name + ": " + why(a), "check the DNS servers, then run the doctor again");
    }

    private static String why(Answer<?> a) {
        if (a instanceof Answer.Failed<?> f) {
            return f.reason();
        }
        if (a instanceof Answer.Bogus<?> b) {
            return "DNSSEC validation failed: " + b.reason();
        }
        return a instanceof Answer.NxDomain ? "no such domain" : "no records";
    }
}
