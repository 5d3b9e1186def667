package net.rsendmail.client.ssh;

/** What the host-key rules say about the key a relay offered; {@code text} is fit for one log line. */
sealed interface HostKeyVerdict {
    String text();

    /** Accepted; the text names the rule that accepted it. */
    record Trusted(String text) implements HostKeyVerdict {
    }

    /** known_hosts has no key of this type for the relay (nor a trusting CA): another rule may still vouch. */
    record Unknown(String text) implements HostKeyVerdict {
    }

    /** Refused, whatever another rule says: a changed or revoked key, an unreadable file, a bad SSHFP answer. */
    record Refused(String text) implements HostKeyVerdict {
    }
}
