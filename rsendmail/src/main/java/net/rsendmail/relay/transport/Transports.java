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
        return new SendmailTransport(sendmail, mtaTimeout);
    }

    /** Connects to the smarthost as a delivery would, then QUIT (the doctor): what was proven. */
    public static String reach(SmtpSettings settings) throws net.rsendmail.mail.Refusal {
        return SmtpTransport.reach(settings);
    }
}
