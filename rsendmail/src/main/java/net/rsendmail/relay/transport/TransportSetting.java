package net.rsendmail.relay.transport;

/** The {@code transport} an admin chose for a policy (SPEC §2.6). */
public sealed interface TransportSetting {
    /** The relay's own MTA through its sendmail program (the default). */
    record Sendmail() implements TransportSetting {
    }

    /** A smarthost over SMTP: {@code smtp://HOST[:PORT]} or {@code smtps://HOST[:PORT]}. */
    record Smtp(SmtpSettings settings) implements TransportSetting {
    }

    /**
     * {@code transport mx}: each recipient domain's MX hosts, directly. {@code smtp} holds what
     * every hop shares (its host is a placeholder, replaced by each MX host, see
     * {@link SmtpSettings#forHop}); {@code dns} is where MX, address and TLSA records come from.
     */
    record Mx(SmtpSettings smtp, net.rsendmail.dns.DnsSettings dns) implements TransportSetting {
    }
}
