package net.rsendmail.dns;

import java.util.List;
import java.util.function.Function;

/**
 * The outcome of one DNS lookup, as a value. {@code secure} is true when the answer (or the proof
 * that there is none) was validated with DNSSEC up to a trust anchor; an unsigned zone gives
 * {@code secure == false}, a signature that does not verify gives {@link Bogus}.
 */
public sealed interface Answer<T> {
    /** One or more records of the type asked for. */
    record Found<T>(List<T> records, boolean secure) implements Answer<T> {
        public Found {
            records = List.copyOf(records);
            if (records.isEmpty()) {
                throw new IllegalArgumentException("Found without records: that is NoData");
            }
        }
    }

    /** The name exists but has no record of that type (RFC 2308 §2.2). */
    record NoData<T>(boolean secure) implements Answer<T> {
    }

    /** The name does not exist (RCODE 3, RFC 2308 §2.1). */
    record NxDomain<T>(boolean secure) implements Answer<T> {
    }

    /** DNSSEC validation failed (RFC 4035 §4.3 "bogus"): treat as an attack, never as "no record". */
    record Bogus<T>(String reason) implements Answer<T> {
    }

    /** No usable answer: timeout, network error, SERVFAIL/REFUSED, a name we would not ask for. */
    record Failed<T>(String reason) implements Answer<T> {
    }

    /** The same answer with each record converted. */
    default <U> Answer<U> map(Function<? super T, ? extends U> f) {
        if (this instanceof Found<T> found) {
            return new Found<>(found.records().stream().<U>map(f).toList(), found.secure());
        }
        return retype();
    }

    /** This answer, which has no records, as an answer of another record type. */
    @SuppressWarnings("unchecked")
    default <U> Answer<U> retype() {
        if (this instanceof Found) {
            throw new IllegalStateException("a Found answer keeps its record type");
        }
        return (Answer<U>) this;
    }
}
