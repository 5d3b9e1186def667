package net.rsendmail.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelayTest {
    private static final String MSG = "From: Alice <a@example.org>\nTo: b@example.net\nSubject: hi\n\nhello\n.\nend\n";

    @TempDir
    Path dir;

    private RelayHarness relay(String policies) throws Exception {
        return new RelayHarness(dir, policies);
    }

    @Test
    void sendsSilentlyWithTheExactCommandLineAndBytes() throws Exception {
        RelayHarness relay = relay("");
        RelayHarness.Result r = relay.run("rsendmail -oi -f a@example.org -- b@example.net c@example.net", MSG);
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        assertEquals("", r.err());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.net", "c@example.net"), relay.mtaArgv());
        assertArrayEquals(MSG.getBytes(StandardCharsets.UTF_8), relay.mtaStdin());
        List<String> env = relay.mtaEnv().stream().filter(l -> !l.startsWith("PWD=") && !l.startsWith("SHLVL=")
                && !l.startsWith("_=")).toList();
        assertEquals(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), env, "clean environment");
        String log = relay.logLines().get(0);
        assertTrue(log.contains("INFO policy=default mode=plain envid=- from=<a@example.org> nrcpt=2"
                + " to=<b@example.net>,<c@example.net> size=" + MSG.length() + " duration_ms="), log);
        assertTrue(log.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z rsendmail\\[\\d+\\]: .*status=sent"), log);
    }

    @Test
    void argvIsTheRequestWithoutAForcedCommand() throws Exception {
        RelayHarness relay = relay("");
        RelayHarness.Result r = relay.runArgv(new String[] {"--config", relay.config.toString(), "-f", "a@example.org",
                "b@example.net"}, null, MSG.getBytes(StandardCharsets.UTF_8));
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.net"), relay.mtaArgv());
    }

    @Test
    void forcedCommandWithExtraWordsIsAConfigError() throws Exception {
        RelayHarness relay = relay("");
        RelayHarness.Result r = relay.runArgv(new String[] {"--config", relay.config.toString(), "b@example.net"},
                "sendmail c@example.net", MSG.getBytes(StandardCharsets.UTF_8));
        assertEquals(78, r.exit());
        assertFalse(relay.mtaRan());
    }

    @Test
    void nullSenderIsPassedAsAngleBrackets() throws Exception {
        RelayHarness relay = relay("");
        assertEquals(0, relay.run("sendmail -f '<>' b@example.net", MSG).exit());
        assertEquals(List.of("-oi", "-f", "<>", "--", "b@example.net"), relay.mtaArgv());
    }

    @Test
    void extractRecipientsAddsHeaderAddressesAndDropsBcc() throws Exception {
        RelayHarness relay = relay("");
        String msg = "From: a@example.org\nTo: B <b@example.net>, c@example.net\nCc: d@example.net\n"
                + "Bcc: hidden@example.net,\n secret@example.net\nSubject: s\n\nBcc: stays@example.net\n";
        RelayHarness.Result r = relay.run("sendmail -t -i -f a@example.org e@example.net b@example.net", msg);
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "e@example.net", "b@example.net", "c@example.net",
                "d@example.net", "hidden@example.net", "secret@example.net"), relay.mtaArgv());
        assertEquals("From: a@example.org\nTo: B <b@example.net>, c@example.net\nCc: d@example.net\nSubject: s\n\n"
                + "Bcc: stays@example.net\n", new String(relay.mtaStdin(), StandardCharsets.UTF_8));
    }

    @Test
    void extractWithoutAnyRecipientIsADataError() throws Exception {
        RelayHarness relay = relay("");
        RelayHarness.Result r = relay.run("sendmail -t", "From: a@example.org\nSubject: s\n\nx\n");
        assertEquals(65, r.exit());
        assertTrue(r.err().startsWith("5.6.0 "), r.err());
        r = relay.run("sendmail -t", "To: <broken@example.org\n\nx\n");
        assertEquals(65, r.exit());
        assertFalse(relay.mtaRan());
    }

    @Test
    void senderDefaultsToTheSingleFromAddress() throws Exception {
        RelayHarness relay = relay("");
        assertEquals(0, relay.run("sendmail b@example.net", MSG).exit());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "b@example.net"), relay.mtaArgv());
        assertEquals(0, relay.run("sendmail b@example.net", "Subject: no from\n\nx\n").exit());
        assertEquals(List.of("-oi", "--", "b@example.net"), relay.mtaArgv());
    }

    @Test
    void policyRefusalsAreEx77With571AndSendNothing() throws Exception {
        RelayHarness relay = relay("[policy laptop]\nsenders alice@example.org @example.com\n"
                + "recipients @example.net\nmax_recipients 2\nallow_t no\nnull_sender no\n");
        String[][] cases = {
            {"sendmail -f mallory@example.org b@example.net", "5.7.1 sender not allowed for this key: mallory@example.org"},
            {"sendmail -f alice@example.org b@elsewhere.org", "5.7.1 recipient not allowed for this key: b@elsewhere.org"},
            {"sendmail -t -f alice@example.org b@example.net", "5.7.1 -t not allowed for this key"},
            {"sendmail -f '<>' b@example.net", "5.7.1 null sender not allowed for this key"},
            {"sendmail -f x@example.com b@example.net c@example.net d@example.net",
                "5.5.3 too many recipients: 3, at most 2 for this key"},
            {"sendmail b@example.net", "5.7.1 no envelope sender (-f) and no single From address to take it from"},
        };
        for (String[] c : cases) {
            RelayHarness.Result r = relay.run(c[0], "Subject: s\n\nx\n", "--policy", "laptop");
            assertEquals(77, r.exit(), c[0] + ": " + r.err());
            assertEquals(c[1] + "\n", r.err());
        }
        assertFalse(relay.mtaRan());
        assertEquals(cases.length, relay.logLines().size());
        assertTrue(relay.logLines().get(0).contains("policy=laptop"));
        assertEquals(0, relay.run("sendmail -f bob@EXAMPLE.com b@example.net", "x\n", "--policy", "laptop").exit());
    }

    @Test
    void headerFromMustMatchWhenThePolicySaysSo() throws Exception {
        RelayHarness relay = relay("[policy strict]\nsenders a@example.org\nheader_from_match yes\n");
        RelayHarness.Result r = relay.run("sendmail -f a@example.org b@example.net",
                "From: ceo@example.org\n\nx\n", "--policy", "strict");
        assertEquals(77, r.exit());
        assertEquals("5.7.1 header From not allowed for this key: ceo@example.org\n", r.err());
        r = relay.run("sendmail -f a@example.org b@example.net", "Subject: none\n\nx\n", "--policy", "strict");
        assertEquals(77, r.exit());
        assertFalse(relay.mtaRan());
        assertEquals(0, relay.run("sendmail -f a@example.org b@example.net", MSG, "--policy", "strict").exit());
    }

    @Test
    void aBounceToTheKeysOwnSenderPassesHeaderFromMatchAndNothingElseDoes() throws Exception {
        RelayHarness relay = relay("[policy strict]\nsenders a@example.org\nrecipients @example.net\n"
                + "header_from_match yes\n");
        String dsn = "From: Mail Delivery System <MAILER-DAEMON@laptop.example>\nTo: <a@example.org>\n\nx\n";
        assertEquals(0, relay.run("sendmail -f '' a@example.org", dsn, "--policy", "strict").exit());
        assertTrue(relay.mtaRan());
        // to anyone else, a null sender is held to the key's rules
        RelayHarness.Result r = relay.run("sendmail -f '' b@example.net", dsn, "--policy", "strict");
        assertEquals(77, r.exit());
        assertTrue(r.err().contains("header From not allowed"), r.err());
        assertEquals(77, relay.run("sendmail -f '' a@example.org x@other.org", dsn, "--policy", "strict").exit());
    }

    @Test
    void tooBigIsEx69With534(@TempDir Path spool) throws Exception {
        RelayHarness relay = relay("[policy small]\nmax_size 1K\n");
        byte[] big = new byte[1025];
        java.util.Arrays.fill(big, (byte) 'x');
        RelayHarness.Result r = relay.run("sendmail -f a@example.org b@example.net", big, "--policy", "small");
        assertEquals(69, r.exit());
        assertEquals("5.3.4 message too big: over 1024 bytes\n", r.err());
        assertFalse(relay.mtaRan());
        assertEquals(0, relay.run("sendmail -f a@example.org b@example.net", new byte[1024], "--policy", "small").exit());
    }

    @Test
    void largeMessagesPassThroughTheDiskSpoolUnchanged() throws Exception {
        RelayHarness relay = relay("");
        byte[] msg = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(msg);
        byte[] head = "Subject: big\n\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, msg, 0, head.length);
        assertEquals(0, relay.run("sendmail -f a@example.org b@example.net", msg).exit());
        assertArrayEquals(msg, relay.mtaStdin());
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().startsWith("rsendmail-")),
                    "no spool file left behind");
        }
    }

    @Test
    void mtaExitCodesPassThroughOrBecomeTemporary() throws Exception {
        RelayHarness relay = relay("");
        int[][] cases = {{75, 75}, {67, 67}, {69, 69}, {77, 77}, {1, 75}, {2, 75}, {127, 75}, {255, 75}};
        for (int[] c : cases) {
            relay.mtaExits(c[0]);
            RelayHarness.Result r = relay.run("sendmail -f a@example.org b@example.net", MSG);
            assertEquals(c[1], r.exit(), "MTA exit " + c[0]);
            assertEquals(1, r.err().lines().count());
            assertTrue(r.err().startsWith(c[1] == 75 ? "4." : "5."), r.err());
        }
        relay.mtaSays("postdrop: warning: unable to look up public/pickup\nsecond line\n");
        relay.mtaExits(75);
        RelayHarness.Result r = relay.run("sendmail -f a@example.org b@example.net", MSG);
        assertEquals("4.3.0 relay MTA refused the message (exit 75): postdrop: warning: unable to look up public/pickup\n",
                r.err());
    }

    @Test
    void missingMtaIsTemporarySoTheClientKeepsTheMail() throws Exception {
        RelayHarness relay = relay("");
        Files.writeString(relay.config, Files.readString(relay.config).replace("sendmail " + relay.sendmail,
                "sendmail /nonexistent/sendmail"));
        RelayHarness.Result r = relay.run("sendmail -f a@example.org b@example.net", MSG);
        assertEquals(75, r.exit());
        assertTrue(r.err().startsWith("4.3.0 cannot run relay MTA /nonexistent/sendmail"), r.err());
    }

    @Test
    void configErrorsNameFileAndLineWithEx78() throws Exception {
        RelayHarness relay = relay("[policy p]\nmax_size lots\n");
        RelayHarness.Result r = relay.run("sendmail b@example.net", MSG);
        assertEquals(78, r.exit());
        assertEquals("4.3.5 relay configuration: " + relay.config + ":6: max_size: expected a number, got 'lots'\n",
                r.err());
        Files.writeString(relay.config, "sendmail relative/path\n");
        assertTrue(relay.run("sendmail b@example.net", MSG).err().contains(":1: sendmail: expected an absolute path"));
        Files.writeString(relay.config, "colour blue\n");
        assertTrue(relay.run("sendmail b@example.net", MSG).err().contains(":1: unknown key 'colour'"));
        Files.writeString(relay.config, "default_policy nowhere\n");
        assertEquals(78, relay.run("sendmail b@example.net", MSG).exit());
        r = relay.runArgv(new String[] {"--config", dir.resolve("missing.conf").toString()}, "sendmail b@example.net",
                MSG.getBytes(StandardCharsets.UTF_8));
        assertEquals(78, r.exit());
        assertTrue(r.err().contains("missing.conf: no such file"), r.err());
        assertFalse(relay.mtaRan());
    }

    @Test
    void anEmptyPolicySectionIsAPolicyWithTheDefaults() throws Exception {
        RelayHarness relay = relay("default_policy open\n[policy open]\n[policy other]\nmax_recipients 1\n");
        assertEquals(0, relay.run("sendmail b@example.net c@example.net", MSG, "--policy", "open").exit());
        assertEquals(0, relay.run("sendmail b@example.net c@example.net", MSG).exit());
        assertEquals(77, relay.run("sendmail b@example.net c@example.net", MSG, "--policy", "other").exit());
        Files.writeString(relay.configPath(), "[policy a]\n[policy a]\n");
        assertTrue(relay.run("sendmail b@example.net", MSG).err().contains(":2: [policy a] given twice"));
    }

    @Test
    void unknownPolicyIsAConfigError() throws Exception {
        RelayHarness relay = relay("[policy a]\nmax_recipients 5\n");
        RelayHarness.Result r = relay.run("sendmail b@example.net", MSG, "--policy", "b");
        assertEquals(78, r.exit());
        assertEquals("4.3.5 no [policy b] in " + relay.config + "\n", r.err());
    }

    @Test
    void defaultPolicyApplies() throws Exception {
        RelayHarness relay = relay("default_policy tight\n[policy tight]\nmax_recipients 1\n");
        assertEquals(77, relay.run("sendmail b@example.net c@example.net", MSG).exit());
        assertEquals(0, relay.run("sendmail b@example.net", MSG).exit());
    }

    @Test
    void versionPrintsAndSendsNothing() throws Exception {
        RelayHarness relay = relay("");
        RelayHarness.Result r = relay.run("rsendmail --version", "");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("rsendmail "), r.out());
        assertFalse(relay.mtaRan());
    }

    @Test
    void batchModeCanBeRefusedPerKey() throws Exception {
        RelayHarness relay = relay("[policy plain]\nlmtp no\n");
        RelayHarness.Result r = relay.run("rsendmail --lmtp", "LHLO x\r\n", "--policy", "plain");
        assertEquals(77, r.exit());
        assertEquals("5.7.1 batch mode (--lmtp) not allowed for this key\n", r.err());
        assertEquals("", r.out());
        assertFalse(relay.mtaRan());
    }

    @Test
    void hourlyRateLimitIsTemporary() throws Exception {
        RelayHarness relay = relay("[policy r]\nmax_per_hour 2\n");
        assertEquals(0, relay.run("sendmail b@example.net", MSG, "--policy", "r").exit());
        assertEquals(0, relay.run("sendmail b@example.net", MSG, "--policy", "r").exit());
        RelayHarness.Result r = relay.run("sendmail b@example.net", MSG, "--policy", "r");
        assertEquals(75, r.exit());
        assertEquals("4.7.0 rate limit reached: 2 messages per hour\n", r.err());
        assertEquals(2, relay.mtaRuns());
    }

    @Test
    void bareLocalRecipientsWhenAllowed() throws Exception {
        RelayHarness relay = relay("[policy local]\nallow_bare_local yes\n");
        assertEquals(64, relay.run("sendmail root", MSG).exit());
        assertEquals(0, relay.run("sendmail root", MSG, "--policy", "local").exit());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "root"), relay.mtaArgv());
    }
}
