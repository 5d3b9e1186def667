package net.rsendmail.relay.serve;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.rsendmail.mail.Printable;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.relay.config.PrincipalPolicy;
import net.rsendmail.ssh.CertificateWindow;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/**
 * When an OpenSSH user certificate may log in to serve (sshd(8) AUTHORIZED_KEYS FILE FORMAT,
 * PROTOCOL.certkeys). It must be a user certificate with principals, inside its validity window
 * (no clock skew allowed, as sshd), not revoked, and signed by a key on a {@code cert-authority}
 * line whose {@code from=} and {@code expiry-time=} allow it now; one of its principals must be in
 * that line's {@code principals=} (without one: the login name, as sshd). Critical options:
 * {@code source-address} is enforced, {@code force-command} read for {@code --policy} and
 * {@code --config}, any other refuses the certificate. The CA's signature is MINA's to check.
 *
 * <p>The policy: {@code command=} on the line, {@code force-command} and {@code principal_policy}
 * (the first line matching each accepted principal) may each name one. None overrides another:
 * all that name one must name the same, else the login is refused, and so it is when none does.
 */
final class CertificateRules {
    sealed interface Decision permits Accepted, Refused {
    }

    record Accepted(Login login, String policy) implements Decision {
    }

    record Refused(String reason) implements Decision {
    }

    private final AuthorizedKeys keys;
    private final RevokedKeys revoked;
    private final List<PrincipalPolicy> principalPolicies;

    CertificateRules(AuthorizedKeys keys, RevokedKeys revoked, List<PrincipalPolicy> principalPolicies) {
        this.keys = keys;
        this.revoked = revoked;
        this.principalPolicies = List.copyOf(principalPolicies);
    }

    /**
     * What MINA also checks before it asks the authenticator (type, validity), and the
     * principals it must have; null if the certificate passes.
     */
    static String shape(OpenSshCertificate c, Instant now) {
        if (c.getType() != OpenSshCertificate.Type.USER) {
            return "a " + String.valueOf(c.getType()).toLowerCase(java.util.Locale.ROOT)
                    + " certificate is not a user certificate";
        }
        String window = CertificateWindow.outside(c.getValidAfter(), c.getValidBefore(), now);
        if (window != null) {
            return "certificate " + window;
        }
        if (c.getPrincipals() == null || c.getPrincipals().isEmpty()) {
            return "certificate has no principals";
        }
        return null;
    }

    Decision check(OpenSshCertificate c, String user, InetAddress client, Instant now) {
        String why = shape(c, now);
        if (why == null) {
            why = revoked.refusal(c);
        }
        Forced forced = Forced.NONE;
        if (why == null) {
            try {
                forced = criticalOptions(c, client);
            } catch (IllegalArgumentException e) {
                why = e.getMessage();
            }
        }
        if (why != null) {
            return new Refused(why);
        }
        List<KeyLine> lines = keys.authorities(c.getCaPubKey());
        if (lines.isEmpty()) {
            return new Refused("certificate signed by " + KeyUtils.getFingerPrint(c.getCaPubKey())
                    + ", which no cert-authority line of authorized_keys lists");
        }
        String first = null;
        for (KeyLine l : lines) {
            Decision d = line(l, c, forced, user, client, now);
            if (d instanceof Accepted) {
                return d;
            }
            first = first == null ? ((Refused) d).reason() : first;
        }
        return new Refused(first);
    }

    private Decision line(KeyLine l, OpenSshCertificate c, Forced forced, String user, InetAddress client, Instant now) {
        String why = l.refusal(client, now);
        if (why != null) {
            return new Refused(why);
        }
        List<String> allowed = l.principals() != null ? l.principals() : List.of(user);
        List<String> accepted = new ArrayList<>();
        for (String p : c.getPrincipals()) {
            if (allowed.contains(p)) {
                accepted.add(p);
            }
        }
        if (accepted.isEmpty()) {
            return new Refused("certificate principals " + Printable.of(String.join(",", c.getPrincipals()), 200)
                    + (l.principals() != null ? " not in principals=\"" + String.join(",", l.principals()) + "\""
                            : " do not include the login name " + Printable.of(user, 64))
                    + " (line " + l.number() + ")");
        }
        return select(l, forced, accepted, KeyUtils.getFingerPrint(c.getCertPubKey()));
    }

    private Decision select(KeyLine l, Forced cert, List<String> principals, String key) {
        Map<String, String> named = new LinkedHashMap<>();
        if (l.forced().policy() != null) {
            named.put("command= (line " + l.number() + ")", l.forced().policy());
        }
        if (cert.policy() != null) {
            named.put("force-command", cert.policy());
        }
        for (String p : principals) {
            for (PrincipalPolicy pp : principalPolicies) {
                if (Glob.matches(pp.pattern(), p)) {
                    named.put("principal_policy " + pp.pattern() + " (principal " + Printable.of(p, 64) + ")", pp.policy());
                    break;
                }
            }
        }
        Set<String> policies = new LinkedHashSet<>(named.values());
        if (policies.size() > 1) {
            return new Refused("policies disagree: " + describe(named));
        }
        if (policies.isEmpty()) {
            return new Refused("no policy for principal(s) " + Printable.of(String.join(",", principals), 200)
                    + ": no principal_policy matches and neither command= (line " + l.number()
                    + ") nor force-command names --policy");
        }
        if (l.forced().config() != null && cert.config() != null && !l.forced().config().equals(cert.config())) {
            return new Refused("--config disagrees: command= (line " + l.number() + ") has " + l.forced().config()
                    + ", force-command has " + Printable.of(cert.config(), 200));
        }
        String policy = policies.iterator().next();
        Forced merged = new Forced(l.forced().config() != null ? l.forced().config() : cert.config(), policy);
        return new Accepted(new Login(key, merged.argv()), policy);
    }

    /** source-address enforced, force-command parsed; throws with the reason for anything else. */
    private static Forced criticalOptions(OpenSshCertificate c, InetAddress client) {
        Forced forced = Forced.NONE;
        for (Map.Entry<String, String> o : c.getCriticalOptionsMap().entrySet()) {
            String value = o.getValue() == null ? "" : o.getValue();
            switch (o.getKey()) {
                case "source-address":
                    if (!FromPatterns.sourceAddress(value).matches(client)) {
                        throw new IllegalArgumentException("address " + NumericAddress.text(client)
                                + " not in the certificate's source-address " + Printable.of(value, 200));
                    }
                    break;
                case "force-command":
                    forced = Forced.parse("force-command", value);
                    break;
                default:
                    throw new IllegalArgumentException("certificate critical option '" + Printable.of(o.getKey(), 60)
                            + "' is not supported by rsendmail serve");
            }
        }
        return forced;
    }

    private static String describe(Map<String, String> named) {
        StringBuilder b = new StringBuilder();
        named.forEach((source, policy) -> b.append(b.length() == 0 ? "" : ", ").append(source).append(" names ")
                .append(Printable.of(policy, 64)));
        return b.toString();
    }
}
