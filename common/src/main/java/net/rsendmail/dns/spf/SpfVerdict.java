package net.rsendmail.dns.spf;

/** A result and why, fit for one line: the record or term that decided it, or the error. */
public record SpfVerdict(SpfResult result, String why) {
}
