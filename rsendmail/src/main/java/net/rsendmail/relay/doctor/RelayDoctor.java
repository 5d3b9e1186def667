package net.rsendmail.relay.doctor;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.rsendmail.config.ConfigException;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSetupException;
import net.rsendmail.doctor.DomainChecks;
import net.rsendmail.doctor.Finding;
import net.rsendmail.doctor.Report;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.config.RelayConfig;
import net.rsendmail.relay.config.RelayConfigReader;
import net.rsendmail.relay.transport.TransportSetting;
import net.rsendmail.relay.transport.Transports;

/**
 * {@code rsendmail doctor}: whether mail from a domain, leaving through this relay's egress
 * addresses, will be accepted by receivers: SPF for each address, PTR forward-confirmed, the
 * DKIM key records of the sending machines' selectors, DMARC, MX, MTA-STS and TLS-RPT.
 */
final class RelayDoctor {
    private RelayDoctor() {
    }

    static Report run(DoctorArgs args) {
        Report report = new Report();
        DnsResolver dns;
        try {
            dns = DnsResolver.open(args.dns());
        } catch (DnsSetupException e) {
            return report.add(Finding.fail("dns", e.getMessage(), "give --dns-server ADDR or --trust-anchor FILE"
                    + " (Debian: apt install dns-root-data)"));
        }
        DomainChecks checks = new DomainChecks(dns);
        String d = args.domain();
        report.add(checks.mx(d));
        List<InetAddress> egress = args.egress().isEmpty() ? globalAddresses() : args.egress();
        if (egress.isEmpty()) {
            report.add(Finding.warn("egress", "no global address on this machine and no --egress: SPF and PTR not"
                    + " checked", "rsendmail doctor --domain " + d + " --egress THE-ADDRESS-MAIL-LEAVES-FROM"));
        } else if (args.egress().isEmpty()) {
            report.add(Finding.pass("egress", "this machine's global addresses (give --egress when mail leaves"
                    + " through NAT or a smarthost)"));
        }
        for (InetAddress a : egress) {
            report.add(checks.spf(d, a));
            report.add(checks.ptr(a));
        }
        if (args.selectors().isEmpty()) {
            report.add(Finding.warn("dkim " + d, "no --selector: the sending machines' key records not checked",
                    "rsendmail doctor --domain " + d + " --selector SELECTOR (the one in their dkim lines)"));
        }
        for (String s : args.selectors()) {
            report.add(checks.dkim(d, s, Optional.empty(), ""));
        }
        report.add(checks.dmarc(d));
        checks.tlsPolicy(d).forEach(report::add);
        transports(report, args);
        return report;
    }

    /** Each transport the config names (top level and policies) reached as a delivery would. */
    static void transports(Report report, DoctorArgs args) {
        RelayConfig config;
        try {
            config = RelayConfigReader.load(args.config(), args.configExplicit());
        } catch (ConfigException e) {
            report.add(Finding.fail("config", e.getMessage(), "correct that line (rsendmail.conf(5); rsendmail --check)"));
            return;
        }
        Set<TransportSetting> seen = new LinkedHashSet<>();
        seen.add(config.transport());
        config.policies().values().forEach(p -> seen.add(p.transport()));
        for (TransportSetting t : seen) {
            String check = "transport " + describe(t);
            if (t instanceof TransportSetting.Smtp smtp) {
                try {
                    report.add(Finding.pass(check, Transports.reach(smtp.settings())));
                } catch (Refusal r) {
                    report.add(Finding.fail(check, r.line(), r.status().equals("4.7.8")
                            ? "check smtp_user and the secret (smtp_secret_file / smtp_secret_command)"
                            : r.status().equals("4.7.5") ? "give smtp_ca_file the smarthost's CA, or fix its certificate"
                            + " (its name must be the transport's host)" : "check the transport's host and port,"
                            + " and that this machine may connect there (firewall, source_address)"));
                }
            } else if (t instanceof TransportSetting.Mx mx) {
                try {
                    report.add(Finding.pass(check, Transports.reach(mx)));
                } catch (Refusal r) {
                    report.add(Finding.fail(check, r.line(), "set dns_servers or dns_trust_anchor in rsendmail.conf"
                            + " (Debian: apt install dns-root-data)"));
                }
            } else if (Files.isExecutable(config.sendmail())) {
                report.add(Finding.pass(check, config.sendmail() + " is executable"));
            } else {
                report.add(Finding.fail(check, config.sendmail() + " is not an executable file",
                        "install the relay's MTA, or set: sendmail /ABSOLUTE/PATH"));
            }
        }
    }

    private static String describe(TransportSetting t) {
        return t instanceof TransportSetting.Smtp s ? s.settings().name() : t instanceof TransportSetting.Mx ? "mx"
                : "sendmail";
    }

    /** The addresses mail could leave from: neither loopback, link-local, private nor unique-local. */
    static List<InetAddress> globalAddresses() {
        List<InetAddress> out = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    boolean uniqueLocal = a instanceof Inet6Address && (a.getAddress()[0] & 0xfe) == 0xfc;
                    if (!a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isSiteLocalAddress()
                            && !a.isAnyLocalAddress() && !uniqueLocal) {
                        out.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            return List.of();
        }
        return out;
    }
}
