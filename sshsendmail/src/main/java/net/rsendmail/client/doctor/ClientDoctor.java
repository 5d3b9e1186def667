package net.rsendmail.client.doctor;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.ClientConfigReader;
import net.rsendmail.client.config.Deliverable;
import net.rsendmail.client.config.LoadedConfig;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.dkim.DkimKey;
import net.rsendmail.client.dkim.KeyProblem;
import net.rsendmail.client.dkim.KeySource;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.client.message.Identity;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.ssh.KeyFiles;
import net.rsendmail.client.ssh.LmtpBatch;
import net.rsendmail.client.ssh.RelayModes;
import net.rsendmail.client.ssh.SshFailure;
import net.rsendmail.client.ssh.SshSender;
import net.rsendmail.client.ssh.UserCertificate;
import net.rsendmail.config.ConfigException;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSetupException;
import net.rsendmail.doctor.DomainChecks;
import net.rsendmail.doctor.Finding;
import net.rsendmail.doctor.Report;
import net.rsendmail.doctor.Verdict;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.lmtp.Transaction;
import net.rsendmail.mail.Refusal;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

/**
 * {@code sshsendmail doctor}: what the sending side can prove before the first mail. The config
 * and its files (the same checks a sendmail call makes, {@link Deliverable}), each DKIM key, and
 * for each relay: reachable, host key trusted, our key accepted, and the key's policy asked about
 * the sender and recipients with an LMTP envelope that ends in RSET, so nothing is sent.
 */
public final class ClientDoctor {
    private final Path file;
    private final boolean explicit;
    private final String sender;
    private final List<String> recipients;
    private final List<InetAddress> egress;
    private final PrintStream err;

    /**
     * @param sender     the envelope sender to ask about, or null for the one a sendmail call would use
     * @param recipients the recipients to ask about; none: the sender itself
     */
    public ClientDoctor(Path file, boolean explicit, String sender, List<String> recipients, List<InetAddress> egress,
                        PrintStream err) {
        this.file = file;
        this.explicit = explicit;
        this.sender = sender;
        this.recipients = List.copyOf(recipients);
        this.egress = List.copyOf(egress);
        this.err = err;
    }

    public Report run() {
        Report report = new Report();
        LoadedConfig loaded;
        try {
            loaded = ClientConfigReader.read(file, explicit);
        } catch (ConfigException e) {
            return report.add(Finding.fail("config", e.getMessage(),
                    "correct that line (the keys: sshsendmail.conf(5), or the commented etc/sshsendmail.conf)"));
        }
        ClientConfig config = loaded.config();
        report.add(Finding.pass("config", loaded.present() ? "read " + loaded.file()
                : "no " + loaded.file() + ": built-in defaults"));
        Optional<Deliverable.Problem> p = Deliverable.check(config, loaded)
                .or(() -> UserCertificate.check(config, loaded));
        if (p.isPresent()) {
            Deliverable.Problem problem = p.get();
            report.add(Finding.fail(problem.key(), problem.line(), Fixes.forKey(problem.key(), config, loaded)));
        } else {
            report.add(Finding.pass("files", "relay, identity " + config.identity() + " (owner only), known_hosts "
                    + config.knownHosts() + (config.certificate() == null ? "" : ", certificate " + config.certificate())));
        }
        try {
            ClientLog.init(config.log(), false, err); // and the SSH library's lines go there, not here
        } catch (Refusal r) {
            report.add(Finding.fail("log", r.reason(), "make it writable by the queue's owner, or use: log journal"));
        }
        // DNS only when DKIM or SPF is in play: no lookup leaves a machine that asked for neither
        Optional<DomainChecks> dns = config.dkim().keys().isEmpty() && egress.isEmpty() ? Optional.empty()
                : dns(report, config);
        for (KeySource k : config.dkim().keys()) {
            report.add(dkim(k, dns));
        }
        String from = sender(config);
        String domain = from.substring(from.lastIndexOf('@') + 1);
        if (dns.isPresent() && from.indexOf('@') > 0) {
            for (InetAddress a : egress) {
                report.add(dns.get().spf(domain, a));
            }
            if (egress.isEmpty()) {
                report.add(Finding.warn("spf " + domain, "not checked: the relay's egress addresses are not known here",
                        "sshsendmail doctor --egress ADDR (the relay's; rsendmail doctor on the relay checks them too)"));
            }
            report.add(dns.get().dmarc(domain));
        }
        if (p.isEmpty()) {
            for (RelayAddress relay : config.relays()) {
                relay(report, config, relay);
            }
        }
        return report;
    }

    /** The resolver the config's dns_* keys set up, for the record checks; a WARN when there is none. */
    private static Optional<DomainChecks> dns(Report report, ClientConfig config) {
        try {
            return Optional.of(new DomainChecks(DnsResolver.open(config.dns())));
        } catch (DnsSetupException e) {
            report.add(Finding.warn("dns", "DNS records not checked: " + e.getMessage(),
                    "set dns_servers / dns_trust_anchor in sshsendmail.conf (Debian: apt install dns-root-data)"));
            return Optional.empty();
        }
    }

    /** The key loads and signs here; its record in DNS is this key. */
    private static Finding dkim(KeySource s, Optional<DomainChecks> dns) {
        String check = "dkim " + s.domain() + " " + s.selector();
        try {
            DkimKey k = s.load();
            String p = k.publicKeyBase64();
            if (dns.isPresent()) {
                Finding published = dns.get().dkim(s.domain(), s.selector(), Optional.of(p), k.dnsRecord());
                if (published.verdict() != Verdict.PASS) {
                    return published;
                }
            }
            return Finding.pass(check, k.algorithm().name().toLowerCase(java.util.Locale.ROOT)
                    + (k.algorithm() == DkimKey.Algorithm.RSA ? " " + k.bits() + " bits" : "") + " key from "
                    + s.describe() + (dns.isPresent() ? ", published at " + s.selector() + "._domainkey." + s.domain()
                            : ""));
        } catch (KeyProblem e) {
            return Finding.fail(check, e.getMessage(), "sshsendmail --dkim-keygen " + s.domain() + " " + s.selector()
                    + " (then publish the record it prints), or point the line at a working key");
        } catch (GeneralSecurityException e) {
            return Finding.fail(check, s.describe() + ": " + e.getMessage(), "sshsendmail --dkim-keygen " + s.domain()
                    + " " + s.selector());
        }
    }

    private void relay(Report report, ClientConfig config, RelayAddress relay) {
        String name = "relay " + relay;
        try (SshSender ssh = new SshSender(config.withRelays(List.of(relay)))) {
            SshSender.BatchStart start = ssh.openBatch(new RelayModes(null), true, Identity.domain(config.domain()));
            if (start.failure() != null) {
                connectFailure(name, start.failure(), config, relay, ssh.hostKeyRule()).forEach(report::add);
                return;
            }
            report.add(reachable(name, relay));
            report.add(Finding.pass(name + ": host key", ssh.hostKeyRule()));
            report.add(Finding.pass(name + ": our key", "accepted for user " + relay.user() + " ("
                    + (config.certificate() != null ? "certificate " + config.certificate() : config.identity()) + ")"));
            if (start.plain()) {
                report.add(Finding.warn(name + ": policy", "the relay does not speak LMTP (" + start.detail()
                        + "): its policy cannot be asked without sending", "run rsendmail from this project on the relay,"
                        + " or send a test: printf 'Subject: test\\n\\ntest\\n' | sshsendmail -v " + String.join(" ",
                        recipients(config))));
                return;
            }
            try (LmtpBatch batch = start.batch()) {
                report.add(policy(name, batch, config));
            }
        }
    }

    private String sender(ClientConfig config) {
        return sender != null ? sender : Identity.of(config.domain()).address();
    }

    private List<String> recipients(ClientConfig config) {
        return recipients.isEmpty() ? List.of(sender(config)) : recipients;
    }

    private Finding policy(String name, LmtpBatch batch, ClientConfig config) {
        String from = sender(config);
        List<String> to = recipients(config);
        List<Reply> replies;
        try {
            replies = batch.probe(new Transaction(from, to, null, 0));
        } catch (IOException e) {
            return Finding.fail(name + ": policy", "the LMTP envelope failed: " + e.getMessage(),
                    "look at the relay's log for this session");
        }
        Reply mail = replies.get(0);
        if (!mail.positive()) {
            return Finding.fail(name + ": policy", "sender <" + from + "> refused: " + mail,
                    "allow it in the key's policy on the relay (rsendmail.conf, [policy NAME]: senders), or ask"
                            + " about the sender you will use: sshsendmail doctor -f ADDRESS");
        }
        StringBuilder refused = new StringBuilder();
        for (int i = 0; i < to.size(); i++) {
            Reply r = replies.get(i + 1);
            if (!r.positive()) {
                refused.append(refused.length() == 0 ? "" : "; ").append('<').append(to.get(i)).append("> ").append(r);
            }
        }
        if (refused.length() > 0) {
            return Finding.fail(name + ": policy", "sender <" + from + "> accepted, recipient refused: " + refused,
                    "allow it in the key's policy on the relay (rsendmail.conf, [policy NAME]: recipients)");
        }
        return Finding.pass(name + ": policy", "sender <" + from + "> and " + to.size() + " recipient(s) accepted"
                + " (nothing sent: the envelope ended with RSET)");
    }

    private static Finding reachable(String name, RelayAddress relay) {
        return Finding.pass(name + ": reachable", "SSH to " + relay.host() + " port " + relay.port());
    }

    /** What a failed connection proved, up to the step that failed. */
    private static List<Finding> connectFailure(String name, Outcome o, ClientConfig config, RelayAddress relay,
                                                String hostKeyRule) {
        String why = o.text();
        switch (o.cause()) {
            case DNS:
            case REFUSED:
            case TIMEOUT:
            case UNREACHABLE:
                return List.of(Finding.fail(name + ": reachable", why, "check the relay line (host, port) and that the"
                        + " relay's sshd or rsendmail serve listens there: ssh -p " + relay.port() + " " + relay.user()
                        + "@" + relay.host()));
            case HOST_KEY:
                return List.of(Finding.fail(name + ": host key", why, "on the relay, compare the fingerprint: ssh-keygen"
                        + " -lf its host key's .pub (rsendmail serve: the host_key file's); if it matches, add the line"
                        + " named above to " + config.knownHosts()));
            case AUTH: // the key exchange went through: reachable, host key trusted
                return List.of(reachable(name, relay), Finding.pass(name + ": host key", hostKeyRule),
                        Finding.fail(name + ": our key", why, authorizedKeysLine(config)));
            default:
                return List.of(Finding.fail(name, why, "run sshsendmail -v -q to see the conversation with the relay"));
        }
    }

    /** The authorized_keys line that lets this machine's key in (restricted to the entry point). */
    private static String authorizedKeysLine(ClientConfig config) {
        String key;
        try {
            List<KeyPair> pairs = KeyFiles.load(config.identity());
            key = PublicKeyEntry.toString(pairs.get(0).getPublic());
        } catch (SshFailure | RuntimeException e) {
            key = "<the public half of " + config.identity() + ">";
        }
        if (config.certificate() != null) {
            return "check the relay's cert-authority line and principal_policy for this certificate's principals";
        }
        return "on the relay, in the rsendmail user's authorized_keys (or serve's authorized_keys file):"
                + " restrict,command=\"rsendmail --policy NAME\" " + key;
    }
}
