package net.rsendmail.relay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;

class SendmailTransportTest {
    @Test
    void commandLineHasOiSenderAndDoubleDash() {
        SendmailTransport t = new SendmailTransport(Path.of("/usr/sbin/sendmail"), 240);
        assertEquals(List.of("/usr/sbin/sendmail", "-oi", "-f", "a@x.org", "--", "b@y.org", "c@y.org"),
                t.command("a@x.org", List.of("b@y.org", "c@y.org")));
        assertEquals(List.of("/usr/sbin/sendmail", "-oi", "-f", "<>", "--", "b@y.org"), t.command("", List.of("b@y.org")));
        assertEquals(List.of("/usr/sbin/sendmail", "-oi", "--", "b@y.org"), t.command(null, List.of("b@y.org")));
    }

    @Test
    void everySysexitsCodePassesThroughWithAFittingStatus() {
        for (SysExit e : SysExit.values()) {
            if (e == SysExit.OK) {
                continue;
            }
            Refusal r = SendmailTransport.failure(e.code(), "");
            assertEquals(e, r.exit());
            char cls = r.status().charAt(0);
            boolean temporary = e == SysExit.TEMPFAIL || e == SysExit.CONFIG || e == SysExit.OSERR || e == SysExit.OSFILE
                    || e == SysExit.CANTCREAT || e == SysExit.IOERR || e == SysExit.SOFTWARE;
            assertEquals(temporary ? '4' : '5', cls, e.name());
        }
    }

    @Test
    void otherCodesAreTemporary() {
        for (int code : new int[] {1, 2, 63, 79, 126, 127, 128, 137, 255}) {
            Refusal r = SendmailTransport.failure(code, "boom");
            assertEquals(SysExit.TEMPFAIL, r.exit());
            assertEquals("4.3.0 relay MTA failed (exit " + code + "): boom", r.line());
        }
    }
}
