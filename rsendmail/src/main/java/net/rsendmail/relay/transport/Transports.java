package net.rsendmail.relay.transport;

import java.nio.file.Path;

/** The transport a policy names, opened for one request or LMTP channel. */
public final class Transports {
    private Transports() {
    }

    /** {@code sendmail} and {@code mtaTimeout} are the relay's own MTA, for {@link TransportSetting.Sendmail}. */
    public static Transport open(TransportSetting setting, Path sendmail, long mtaTimeout) {
        if (setting instanceof TransportSetting.Smtp s) {
            return new SmtpTransport(s.settings());
        }
        if (setting instanceof TransportSetting.Mx mx) {
            return new MxTransport(mx);
        }
        return new SendmailTransport(sendmail, mtaTimeout);
    }

    /** What direct delivery needs before any MX: a DNS resolver with its trust anchor. */
    public static String reach(TransportSetting.Mx mx) throws net.rsendmail.mail.Refusal {
        try {
            net.rsendmail.dns.DnsResolver.open(mx.dns());
        } catch (net.rsendmail.dns.DnsSetupException e) {
            throw net.rsendmail.mail.Refusal.config("transport mx: " + e.getMessage());
        }
        return "DNSSEC trust anchor " + mx.dns().trustAnchor() + " read; MX, address and TLSA records from "
                + (mx.dns().servers().isEmpty() ? "/etc/resolv.conf's servers" : String.join(" ", mx.dns().servers().stream()
                        .map(a -> new net.rsendmail.config.HostPort(a.getAddress().getHostAddress(), a.getPort()).toString())
                        .toList()))
                + "; smtp_tls " + mx.smtp().tls().name().toLowerCase(java.util.Locale.ROOT) + " unless DANE asks for more";
    }

    /** Connects to the smarthost as a delivery would, then QUIT (the doctor): what was proven. */
    public static String reach(SmtpSettings settings) throws net.rsendmail.mail.Refusal {
        return SmtpTransport.reach(settings);
    }
}
