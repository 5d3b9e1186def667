package net.rsendmail.relay.transport;

/** The {@code transport} an admin chose for a policy (SPEC §2.6). */
public sealed interface TransportSetting {
    /** The relay's own MTA through its sendmail program (the default). */
    record Sendmail() implements TransportSetting {
    }

    /** A smarthost over SMTP: {@code smtp://HOST[:PORT]} or {@code smtps://HOST[:PORT]}. */
    record Smtp(SmtpSettings settings) implements TransportSetting {
    }
}
