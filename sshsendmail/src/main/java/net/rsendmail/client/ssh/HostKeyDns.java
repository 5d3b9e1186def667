package net.rsendmail.client.ssh;

import java.security.PublicKey;
import java.util.List;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.config.NumericAddress;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.DnsSetupException;
import net.rsendmail.dns.Sshfp;
import net.rsendmail.dns.SshfpMatch;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * {@code host_key_dns yes} (ssh_config(5) VerifyHostKeyDNS, RFC 4255 §2.4): a host key that
 * known_hosts does not know is accepted when it matches an SSHFP record of the relay's host name
 * in a DNSSEC-validated answer. An unsigned answer, a bogus one, records for another key, no
 * records or a failed lookup all refuse it.
 */
final class HostKeyDns {
    private final DnsSettings settings;
    private DnsResolver resolver;

    HostKeyDns(DnsSettings settings) {
        this.settings = settings;
    }

    /** The resolver, opened (trust anchor read) at the first key it has to check. */
    private synchronized DnsResolver resolver() throws DnsSetupException {
        if (resolver == null) {
            resolver = DnsResolver.open(settings);
        }
        return resolver;
    }

    /** {@code unknown}: what known_hosts said, kept in a refusal so that its fix (the line to add) is there too. */
    HostKeyVerdict check(RelayAddress relay, PublicKey key, String unknown) {
        String fp = KeyUtils.getFingerPrint(key);
        String head = "host key " + fp + " of relay " + relay.knownHostsName() + " refused (host_key_dns): ";
        if (isAddress(relay.host())) {
            return new HostKeyVerdict.Refused(head + "the relay is given as an address, and SSHFP records belong to host"
                    + " names; " + unknown);
        }
        Answer<Sshfp> answer;
        try {
            answer = resolver().sshfp(relay.host());
        } catch (DnsSetupException e) {
            return new HostKeyVerdict.Refused(head + e.getMessage() + "; " + unknown);
        }
        String host = relay.host();
        if (answer instanceof Answer.Found<Sshfp> found) {
            if (!found.secure()) {
                return new HostKeyVerdict.Refused(head + "the SSHFP records of " + host + " are not DNSSEC-signed (an"
                        + " insecure answer is never trusted); " + unknown);
            }
            return match(relay, key, found.records(), head, unknown);
        }
        String why;
        if (answer instanceof Answer.NoData<Sshfp> || answer instanceof Answer.NxDomain<Sshfp>) {
            why = host + " has no SSHFP record";
        } else if (answer instanceof Answer.Bogus<Sshfp> b) {
            why = b.reason() + " (possible attack: the answer is not trusted)";
        } else {
            why = ((Answer.Failed<Sshfp>) answer).reason();
        }
        return new HostKeyVerdict.Refused(head + why + "; " + unknown);
    }

    private static HostKeyVerdict match(RelayAddress relay, PublicKey key, List<Sshfp> records, String head,
            String unknown) {
        ByteArrayBuffer blob = new ByteArrayBuffer();
        blob.putRawPublicKey(key);
        SshfpMatch.Verdict v = SshfpMatch.match(blob.getCompactData(), records);
        String host = relay.host();
        if (v instanceof SshfpMatch.Verdict.Match m) {
            return new HostKeyVerdict.Trusted("host key " + KeyUtils.getFingerPrint(key) + " of relay "
                    + relay.knownHostsName() + " accepted (host_key_dns): it matches the DNSSEC-validated record "
                    + host + " IN SSHFP " + m.record());
        }
        if (v instanceof SshfpMatch.Verdict.Mismatch mm) {
            return new HostKeyVerdict.Refused(head + "it matches none of the " + mm.records() + " DNSSEC-signed SSHFP"
                    + " record(s) of " + host + " for its algorithm (" + KeyUtils.getKeyType(key) + "): POSSIBLE"
                    + " MAN-IN-THE-MIDDLE ATTACK, or stale records; " + unknown);
        }
        if (v instanceof SshfpMatch.Verdict.NoRecord) {
            return new HostKeyVerdict.Refused(head + "the DNSSEC-signed SSHFP records of " + host + " have none for "
                    + KeyUtils.getKeyType(key) + " keys; " + unknown);
        }
        return new HostKeyVerdict.Refused(head + ((SshfpMatch.Verdict.Unsupported) v).why() + "; " + unknown);
    }

    private static boolean isAddress(String host) {
        try {
            NumericAddress.parse(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
