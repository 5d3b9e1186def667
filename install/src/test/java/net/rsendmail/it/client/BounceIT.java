package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A bounce passes the key's own policy (README: header_from_match and bounces): a refused message
 * comes back to its sender through the same key, real OpenSSH and the dist relay.
 */
class BounceIT {
    static final String ALICE = "alice@client.test";

    @AutoClose
    final World w = new World();

    @Test
    void theBounceOfARefusedMessagePassesAHeaderFromMatchPolicy() {
        w.relayPolicy("senders " + ALICE + "\nheader_from_match yes\nrecipients @example.org\n");
        w.clientConfig("background no\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, "carol@other.net", "refused"), "-i", "-f", ALICE,
                "carol@other.net");
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0, w.sshsendmail(null, "-q").exit()); // the refusal, and the DSN it queued
        assertTrue(w.clientLog().contains("status=bounced"), w.clientLog());
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        String dsn = new String(calls.get(0).stdin(), StandardCharsets.UTF_8);
        assertTrue(dsn.contains("Final-Recipient: rfc822; carol@other.net") && dsn.contains("Status: 5.7.1"), dsn);
        assertTrue(dsn.contains("To: <" + ALICE + ">"), dsn);
        assertTrue(calls.get(0).argv().contains(ALICE), calls.get(0).argv()::toString);
        assertTrue(w.clientLog().lines().anyMatch(l -> l.contains("from=<>") && l.contains("status=sent")), w.clientLog());
    }
}
