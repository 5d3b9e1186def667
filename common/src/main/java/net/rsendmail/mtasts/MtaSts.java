package net.rsendmail.mtasts;

import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;
import net.rsendmail.dns.DnsResolver;

/**
 * A domain's MTA-STS policy, looked up afresh (RFC 8461 §3: the TXT record, then the policy
 * host). What to do when it is {@link Outcome.Unavailable} is the caller's choice: with no cached
 * policy a sender delivers as if the domain had none (§5.1).
 */
public final class MtaSts {
    private MtaSts() {
    }

    public sealed interface Outcome permits Outcome.NoPolicy, Outcome.Policy, Outcome.Unavailable {
        /** No STSv1 record (§3.1). */
        record NoPolicy() implements Outcome {
        }

        /** The policy, and the record's id it was fetched for. */
        record Policy(MtaStsPolicy policy, String id) implements Outcome {
        }

        /** The TXT lookup failed, or the record is there but the policy could not be fetched. */
        record Unavailable(String reason) implements Outcome {
        }
    }

    public static Outcome policyFor(DnsResolver dns, String domain, SSLSocketFactory pkix, Duration timeout) {
        MtaStsRecord.Lookup lookup = MtaStsRecord.discover(dns, domain);
        if (lookup instanceof MtaStsRecord.Lookup.None) {
            return new Outcome.NoPolicy();
        }
        if (lookup instanceof MtaStsRecord.Lookup.Failed failed) {
            return new Outcome.Unavailable(failed.reason());
        }
        MtaStsRecord record = ((MtaStsRecord.Lookup.Found) lookup).record();
        MtaStsFetcher.Fetched fetched = MtaStsFetcher.fetch(dns, domain, pkix, timeout);
        if (fetched instanceof MtaStsFetcher.Fetched.Failed failed) {
            return new Outcome.Unavailable(failed.reason());
        }
        return new Outcome.Policy(((MtaStsFetcher.Fetched.Policy) fetched).policy(), record.id());
    }
}
