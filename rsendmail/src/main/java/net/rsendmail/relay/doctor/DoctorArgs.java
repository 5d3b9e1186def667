package net.rsendmail.relay.doctor;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.dns.DnsName;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.config.RelayConfig;

/**
 * {@code rsendmail doctor --domain D [--egress ADDR]… [--selector S]… [--dns-server ADDR[:PORT]]…
 * [--trust-anchor FILE] [--json]}: the admin's words, each checked (a domain name, numeric
 * addresses, DKIM selectors as DNS labels).
 */
record DoctorArgs(String domain, List<InetAddress> egress, List<String> selectors, DnsSettings dns, boolean json,
                  Path config, boolean configExplicit) {

    static final String USAGE = "usage: rsendmail doctor --domain DOMAIN [--egress ADDR]... [--selector SELECTOR]..."
            + " [--dns-server ADDR[:PORT]]... [--trust-anchor FILE] [--config FILE] [--json]";

    static DoctorArgs parse(List<String> argv) throws Refusal {
        String domain = null;
        List<InetAddress> egress = new ArrayList<>();
        List<String> selectors = new ArrayList<>();
        List<java.net.InetSocketAddress> servers = new ArrayList<>();
        Path anchor = DnsSettings.DEBIAN_ROOT_KEY;
        boolean json = false;
        Path config = RelayConfig.DEFAULT_FILE;
        boolean explicit = false;
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("--json")) {
                json = true;
                continue;
            }
            if (i + 1 >= argv.size()) {
                throw Refusal.usage(a.startsWith("--") ? a + " needs a value" : "unexpected word '" + a + "'");
            }
            String v = argv.get(++i);
            switch (a) {
                case "--domain":
                    if (domain != null) {
                        throw Refusal.usage("one --domain per run");
                    }
                    domain = name(v, "--domain");
                    break;
                case "--egress":
                    try {
                        egress.add(NumericAddress.parse(v));
                    } catch (IllegalArgumentException e) {
                        throw Refusal.usage("--egress needs a numeric IPv4 or IPv6 address, not '" + v + "'");
                    }
                    break;
                case "--selector":
                    if (!v.matches("[A-Za-z0-9]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?")) {
                        throw Refusal.usage("--selector must be one DNS label, not '" + v + "'");
                    }
                    selectors.add(v);
                    break;
                case "--dns-server":
                    try {
                        servers.add(DnsSettings.server(v));
                    } catch (IllegalArgumentException e) {
                        throw Refusal.usage("--dns-server: " + e.getMessage());
                    }
                    break;
                case "--trust-anchor":
                    anchor = Path.of(v);
                    break;
                case "--config":
                    config = Path.of(v);
                    explicit = true;
                    break;
                default:
                    throw Refusal.usage("unknown option '" + a + "'");
            }
        }
        if (domain == null) {
            throw Refusal.usage("--domain is required");
        }
        return new DoctorArgs(domain, egress, selectors, new DnsSettings(servers, DnsSettings.DEFAULT_TIMEOUT, anchor),
                json, config, explicit);
    }

    private static String name(String v, String option) throws Refusal {
        if (DnsName.parse(v) == null || v.indexOf('.') < 0 || v.startsWith(".")) {
            throw Refusal.usage(option + " needs a domain name such as example.org, not '" + v + "'");
        }
        return DnsName.text(DnsName.parse(v));
    }

    DoctorArgs {
        egress = List.copyOf(egress);
        selectors = List.copyOf(selectors);
    }
}
