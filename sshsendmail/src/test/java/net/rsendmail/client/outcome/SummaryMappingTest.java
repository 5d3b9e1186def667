package net.rsendmail.client.outcome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-recipient LMTP replies → the one exit status of pipe(8) and of nullmailer
 * ({@link ExitCodes#summary}), for every combination of accepted, deferred and refused (address,
 * policy, content, size) over one to three recipients.
 */
class SummaryMappingTest {
    static final List<Reply> REPLIES = List.of(
            new Reply(250, "2.1.5", "ok"),
            new Reply(451, "4.3.0", "try later"),
            new Reply(550, "5.1.1", "no such user"),
            new Reply(554, "5.7.1", "not allowed"),
            new Reply(554, "5.6.0", "unparsable header"),
            new Reply(552, "5.3.4", "message too big"));

    static Stream<List<Reply>> combinations() {
        List<List<Reply>> all = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            addAll(all, new ArrayList<>(), n);
        }
        return all.stream();
    }

    private static void addAll(List<List<Reply>> all, List<Reply> prefix, int n) {
        if (prefix.size() == n) {
            all.add(List.copyOf(prefix));
            return;
        }
        for (Reply r : REPLIES) {
            prefix.add(r);
            addAll(all, prefix, n);
            prefix.remove(prefix.size() - 1);
        }
    }

    @ParameterizedTest
    @MethodSource("combinations")
    void oneExitStatusForAllRecipients(List<Reply> replies) {
        List<String> rcpts = new ArrayList<>();
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < replies.size(); i++) {
            String r = "r" + i + "@example.org";
            rcpts.add(r);
            outcomes.put(r, ExitCodes.fromReply(replies.get(i)));
        }
        Outcome o = ExitCodes.summary(rcpts, outcomes);
        int pipe = ExitCodes.postfix(ExitCodes.sysexit(o)).code();
        int nm = ExitCodes.nullmailer(o);
        Reply firstTemp = replies.stream().filter(Reply::temporary).findFirst().orElse(null);
        Reply firstPerm = replies.stream().filter(Reply::permanent).findFirst().orElse(null);
        if (firstTemp == null && firstPerm == null) {
            assertTrue(o.isDelivered(), o::toString);
            assertEquals(0, pipe);
            assertEquals(0, nm);
            return;
        }
        if (firstTemp != null) { // the MTA retries them all; accepted ones are answered from the ENVID record
            assertTrue(o.isTemporary(), o::toString);
            assertEquals("4.3.0", o.status());
            assertEquals(75, pipe);
            assertEquals(ExitCodes.NM_MSG_TEMPFAIL, nm);
        } else {
            assertTrue(o.isPermanent(), o::toString);
            assertEquals(firstPerm.status(), o.status(), "the first refusal's status");
            // as the relay's plain mode would exit (SPEC §2), and nullmailer's refused / failed
            SysExit like = switch (firstPerm.status()) {
                case "5.1.1" -> SysExit.NOUSER;
                case "5.7.1" -> SysExit.NOPERM;
                case "5.6.0" -> SysExit.DATAERR;
                default -> SysExit.UNAVAILABLE;
            };
            assertEquals(like.code(), pipe, o::toString);
            boolean refused = like == SysExit.NOUSER || like == SysExit.NOPERM;
            assertEquals(refused ? ExitCodes.NM_MSG_REFUSED : ExitCodes.NM_MSG_PERMFAIL, nm, o::toString);
            assertTrue(nm >= 32);
        }
        if (replies.size() > 1) { // every recipient that is not delivered is named, with its reply
            for (int i = 0; i < replies.size(); i++) {
                Reply r = replies.get(i);
                String named = "<" + rcpts.get(i) + "> relay: " + r.code() + " " + r.text();
                assertEquals(!r.positive(), o.text().contains(named), o.text() + " / " + named);
            }
            boolean anyDelivered = replies.stream().anyMatch(Reply::positive);
            assertEquals(anyDelivered, o.text().contains("delivered: <"), o.text());
        } else {
            assertEquals(ExitCodes.fromReply(replies.get(0)), o, "one recipient: its own outcome");
        }
    }

    @Test
    void mixedDeliveredAndRefusedNamesBoth() {
        Outcome o = ExitCodes.summary(List.of("a@x.org", "b@x.org"), Map.of(
                "a@x.org", Outcome.delivered(),
                "b@x.org", ExitCodes.fromReply(new Reply(550, "5.1.1", "no such user"))));
        assertEquals("5.1.1 refused: <b@x.org> relay: 550 no such user; delivered: <a@x.org>", o.line());
        assertEquals(67, ExitCodes.postfix(ExitCodes.sysexit(o)).code());
    }

    @Test
    void aMissingOutcomeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> ExitCodes.summary(List.of("a@x.org"), Map.of()));
    }

    @Test
    void aWholeOutcomeMapsAsBefore() {
        Outcome lost = Outcome.temporary(Outcome.Cause.CHANNEL_LOST, "4.4.2", "lost");
        assertEquals(75, ExitCodes.postfix(ExitCodes.sysexit(lost)).code());
        assertEquals(ExitCodes.NM_PROTO, ExitCodes.nullmailer(lost));
    }
}
