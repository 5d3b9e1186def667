package net.rsendmail.client.mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.client.config.ClientConfig;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.outcome.ExitCodes;
import org.junit.jupiter.api.Test;

class NullmailerRemoteTest {
    static NullmailerRemote.Options opts(String s) throws Exception {
        return NullmailerRemote.readOptions(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void optionsAsNullmailerSendsThem() throws Exception {
        NullmailerRemote.Options o = opts("host=relay.example.net\nuser=mail\nport=2222\nidentity=/k\n"
                + "known-hosts=/kh\n\nignored after the empty line\n");
        ClientConfig c = NullmailerRemote.apply(o, ClientConfig.defaults());
        assertEquals(List.of(new RelayAddress("mail", "relay.example.net", 2222)), c.relays());
        assertEquals(Path.of("/k"), c.identity());
        assertEquals(Path.of("/kh"), c.knownHosts());
    }

    @Test
    void dashDashPrefixAndEndOfInput() throws Exception {
        NullmailerRemote.Options o = opts("--host=h.example\n--user=u");
        assertEquals("u", o.get("user"));
        assertEquals("h.example", o.get("host"));
    }

    @Test
    void userFromConfig() throws Exception {
        ClientConfig base = ClientConfig.defaults().withRelays(List.of(RelayAddress.parse("mailer@x.example")));
        ClientConfig c = NullmailerRemote.apply(opts("host=relay.example.net\n"), base);
        assertEquals(List.of(new RelayAddress("mailer", "relay.example.net", 22)), c.relays());
    }

    @Test
    void problems() {
        assertEquals(ExitCodes.NM_USAGE, assertThrows(NullmailerRemote.Problem.class,
                () -> opts("host=h\npass=secret\n")).code());
        assertEquals(ExitCodes.NM_USAGE, assertThrows(NullmailerRemote.Problem.class, () -> opts("starttls\n")).code());
        assertEquals(ExitCodes.NM_USAGE, assertThrows(NullmailerRemote.Problem.class,
                () -> NullmailerRemote.apply(opts("user=u\n"), ClientConfig.defaults())).code());
        assertEquals(ExitCodes.NM_CONFIG, assertThrows(NullmailerRemote.Problem.class,
                () -> NullmailerRemote.apply(opts("host=h.example\n"), ClientConfig.defaults())).code());
        assertEquals(ExitCodes.NM_USAGE, assertThrows(NullmailerRemote.Problem.class,
                () -> NullmailerRemote.apply(opts("host=h.example\nuser=u\nport=x\n"), ClientConfig.defaults())).code());
        assertEquals(ExitCodes.NM_USAGE, assertThrows(NullmailerRemote.Problem.class,
                () -> NullmailerRemote.apply(opts("host=h.example\nuser=u\nidentity=rel\n"), ClientConfig.defaults())).code());
    }

    @Test
    void badEnvelopesAreReadErrorsOrPermanent() {
        ClientConfig c = ClientConfig.defaults().withLog(net.rsendmail.log.LogSetting.of(net.rsendmail.log.LogTarget.NONE));
        assertEquals(ExitCodes.NM_MSG_READ, deliver(c, ""));
        assertEquals(ExitCodes.NM_MSG_READ, deliver(c, "a@b.example\nc@d.example\n"));
        assertEquals(ExitCodes.NM_MSG_PERMFAIL, deliver(c, "a@b.example\n\nmessage\n"));
        assertEquals(ExitCodes.NM_MSG_PERMFAIL, deliver(c, "a@b.example\n-x@d.example\n\nmessage\n"));
    }

    @Test
    void noRelayIsAConfigProblemAndTemporary() {
        ClientConfig c = ClientConfig.defaults().withLog(net.rsendmail.log.LogSetting.of(net.rsendmail.log.LogTarget.NONE));
        assertEquals(ExitCodes.NM_CONFIG, deliver(c, "a@b.example\nc@d.example\n\nSubject: x\n\nbody\n"));
    }

    static int deliver(ClientConfig c, String fd3) {
        return NullmailerRemote.deliver(c, new ByteArrayInputStream(fd3.getBytes(StandardCharsets.UTF_8)), null,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }
}
