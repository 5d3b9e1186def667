package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.rsendmail.it.Proc;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** {@code sendmail -v}: the message is delivered before the call returns, the relay dialogue on stderr (sendmail(8)). */
class VerboseIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    @AutoClose
    final World w = new World();

    @Test
    void overLmtpTheTranscriptShowsEachCommandAndReply() {
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "verbose"), "-v", "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, w.calls().size(), "delivered before -v returned: " + r);
        String e = r.err();
        assertTrue(e.contains("sshsendmail: queued as "), e);
        assertTrue(e.contains(">>> MAIL FROM:<" + ALICE + ">") && e.contains(">>> RCPT TO:<" + BOB + ">"), e);
        assertTrue(e.contains("<<< 250 ") && e.contains(">>> (message, "), e);
        assertTrue(e.contains("status=sent"), e);
        assertTrue(e.contains("sshsendmail: 1 delivered"), e);
        assertEquals("", r.out());
    }

    @Test
    void inPlainModeTheTranscriptShowsTheCommandAndTheRelaysExitStatus() {
        w.clientConfig("batch no\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "verbose"), "-v", "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, w.calls().size(), r::toString);
        assertTrue(r.err().contains(": exec rsendmail -f '" + ALICE + "' -- '" + BOB + "'"), r.err());
        assertTrue(r.err().contains(": exit 0"), r.err());
    }

    @Test
    void withTheRelayDownTheMailIsAcceptedAndTheReasonShown() {
        w.stopSshd();
        w.clientConfig("background no\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "verbose"), "-v", "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), "accepted: it stays queued " + r);
        assertTrue(r.err().contains("refused the connection") && r.err().contains("1 deferred"), r.err());
        assertTrue(w.sshsendmail(null, "-bp").out().contains(BOB));
    }
}
