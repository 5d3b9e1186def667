package net.rsendmail.dns;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.rsendmail.mail.OsReason;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SSHFPRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * DNS lookups validated with DNSSEC (dnsjava's {@link ValidatingResolver}, RFC 4033-4035) against
 * the configured trust anchor, each giving an {@link Answer}. The servers asked are stub
 * resolvers' upstreams (a recursive resolver, or for tests an authoritative server): they need
 * not validate, this class does. Thread-safe.
 */
public final class DnsResolver {
    private final ValidatingResolver resolver;
    private final Random random = new SecureRandom();

    private DnsResolver(ValidatingResolver resolver) {
        this.resolver = resolver;
    }

    /** A resolver for {@code settings}; fails with a reason when the trust anchor cannot be used. */
    public static DnsResolver open(DnsSettings settings) throws DnsSetupException {
        List<InetSocketAddress> servers = settings.servers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers() : settings.servers();
        if (servers.isEmpty()) {
            throw new DnsSetupException("no DNS server: none configured (dns_servers) and none in /etc/resolv.conf");
        }
        List<Resolver> heads = new ArrayList<>();
        for (InetSocketAddress s : servers) {
            SimpleResolver r = new SimpleResolver(s);
            r.setTimeout(settings.timeout());
            heads.add(r);
        }
        Resolver head;
        if (heads.size() == 1) {
            head = heads.get(0);
        } else {
            ExtendedResolver e = new ExtendedResolver(heads);
            e.setTimeout(settings.timeout());
            e.setRetries(1);
            head = e;
        }
        ValidatingResolver v = new ValidatingResolver(head);
        byte[] anchors = readTrustAnchor(settings.trustAnchor());
        try {
            v.loadTrustAnchors(new java.io.ByteArrayInputStream(anchors));
        } catch (IOException | RuntimeException e) {
            throw new DnsSetupException("cannot read DNSSEC trust anchor " + settings.trustAnchor() + ": " + e.getMessage());
        }
        v.setTimeout(settings.timeout());
        return new DnsResolver(v);
    }

    /** The file's bytes, refused unless it holds at least one DS or DNSKEY record. */
    private static byte[] readTrustAnchor(Path file) throws DnsSetupException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DnsSetupException("DNSSEC trust anchor " + file + " does not exist (Debian: apt install dns-root-data,"
                    + " or set dns_trust_anchor)");
        } catch (IOException e) {
            throw new DnsSetupException("cannot read DNSSEC trust anchor " + file + ": " + OsReason.of(e));
        }
        int usable = 0;
        try (InputStream in = new java.io.ByteArrayInputStream(bytes); Master m = new Master(in, Name.root, 0)) {
            for (Record r = m.nextRecord(); r != null; r = m.nextRecord()) {
                usable += r.getType() == Type.DS || r.getType() == Type.DNSKEY ? 1 : 0;
            }
        } catch (IOException | RuntimeException e) {
            throw new DnsSetupException("DNSSEC trust anchor " + file + " is not in zone-file form: " + e.getMessage());
        }
        if (usable == 0) {
            throw new DnsSetupException("DNSSEC trust anchor " + file + " has no DS or DNSKEY record");
        }
        return bytes;
    }

    /** Records of one type at {@code name}, unconverted. */
    private Answer<Record> query(String name, int type) {
        String what = Type.string(type) + " " + name;
        Name n = DnsName.parse(name);
        if (n == null) {
            return new Answer.Failed<>(what + ": not a domain name we look up");
        }
        return query(n, type, what);
    }

    private Answer<Record> query(Name n, int type, String what) {
        Message q = Message.newQuery(Record.newRecord(n, type, DClass.IN));
        try {
            return Answers.of(resolver.send(q), type, what);
        } catch (IOException e) {
            return new Answer.Failed<>(what + ": no answer from the DNS server(s): " + e.getMessage());
        } catch (RuntimeException e) {
            return new Answer.Failed<>(what + ": lookup failed: " + e);
        }
    }

    public Answer<InetAddress> a(String name) {
        return query(name, Type.A).map(r -> ((ARecord) r).getAddress());
    }

    public Answer<InetAddress> aaaa(String name) {
        return query(name, Type.AAAA).map(r -> ((AAAARecord) r).getAddress());
    }

    /** Each TXT record's strings joined without separator (RFC 7208 §3.3, RFC 6376 §3.6.2.2). */
    public Answer<String> txt(String name) {
        return query(name, Type.TXT).map(r -> String.join("", ((TXTRecord) r).getStrings()));
    }

    /** TLSA at {@code _PORT._tcp.HOST} (RFC 6698 §3): the caller builds the name. */
    public Answer<Tlsa> tlsa(String name) {
        return query(name, Type.TLSA).map(r -> {
            TLSARecord t = (TLSARecord) r;
            return new Tlsa(t.getCertificateUsage(), t.getSelector(), t.getMatchingType(), t.getCertificateAssociationData());
        });
    }

    public Answer<Sshfp> sshfp(String host) {
        return query(host, Type.SSHFP).map(r -> {
            SSHFPRecord s = (SSHFPRecord) r;
            return new Sshfp(s.getAlgorithm(), s.getDigestType(), s.getFingerPrint());
        });
    }

    /** The PTR names of {@code address} (in-addr.arpa / ip6.arpa, RFC 1035 §3.5, RFC 3596 §2.5). */
    public Answer<String> ptr(InetAddress address) {
        Name n = ReverseMap.fromAddress(address);
        return query(n, Type.PTR, "PTR " + DnsName.text(n)).map(r -> DnsName.text(((PTRRecord) r).getTarget()));
    }

    /** The MX records of {@code domain} as published, in no order ("." for a null MX's target). */
    public Answer<MailExchanger> mxRecords(String domain) {
        return query(domain, Type.MX).map(r -> new MailExchanger(((MXRecord) r).getPriority(),
                DnsName.text(((MXRecord) r).getTarget())));
    }

    /** MX of {@code domain} in RFC 5321 §5.1 order, the implicit MX, or a null MX (RFC 7505). */
    public MailRoute mx(String domain) {
        Answer<MailExchanger> mx = mxRecords(domain);
        if (mx instanceof Answer.Found<MailExchanger> found) {
            // RFC 7505 §3: "0 ." alone; a "." beside real exchangers (a mistake) is skipped
            List<MailExchanger> hosts = found.records().stream().filter(m -> !m.host().equals(".")).toList();
            if (hosts.isEmpty()) {
                return new MailRoute.NullMx(found.secure());
            }
            return new MailRoute.Exchangers(MxOrder.order(hosts, random), found.secure(), false);
        }
        if (!(mx instanceof Answer.NoData<MailExchanger> noMx)) {
            return new MailRoute.NoRoute(mx);
        }
        Answer<InetAddress> v4 = a(domain);
        Answer<InetAddress> v6 = v4 instanceof Answer.Found ? null : aaaa(domain);
        Answer<InetAddress> address = v6 == null ? v4 : v6;
        if (address instanceof Answer.Found<InetAddress> f) {
            String host = DnsName.text(DnsName.parse(domain));
            return new MailRoute.Exchangers(List.of(new MailExchanger(0, host)), noMx.secure() && f.secure(), true);
        }
        // neither address: a failed lookup says more than "no data"
        Answer<?> why = !(v4 instanceof Answer.NoData) ? v4 : !(v6 instanceof Answer.NoData) ? v6 : noMx;
        return new MailRoute.NoRoute(why);
    }
}
