package net.rsendmail.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import net.rsendmail.relay.cli.Grammar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --help, --check, and a state_dir that cannot be used: always said, never silent, never a Java class name. */
class RelayAdminTest {
    private static final String MSG = "From: a@example.org\nSubject: s\n\nhi\n";

    @TempDir
    Path dir;

    @Test
    void helpPrintsTheGrammarAndSendsNothing() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        RelayHarness.Result r = relay.run("rsendmail --help", MSG);
        assertEquals(0, r.exit(), r.err());
        assertEquals(Grammar.USAGE, r.out());
        assertTrue(r.out().contains("--lmtp") && r.out().contains("-f SENDER") && r.out().contains("-t"));
        assertEquals("", r.err());
        assertFalse(relay.mtaRan());
    }

    @Test
    void checkPrintsTheEffectivePolicies() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "default_policy web\n[policy web]\nsenders @example.org\nmax_per_hour 5\n");
        RelayHarness.Result r = relay.runArgv(new String[] {"--check", "--config", relay.configPath().toString()}, null,
                new byte[0]);
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains("sendmail " + dir.resolve("sendmail")), r.out());
        assertTrue(r.out().contains("[policy web]\nsenders @example.org\n"), r.out());
        assertTrue(r.out().contains("max_per_hour 5\n") && r.out().contains("recipients (any)\n"), r.out());
        assertTrue(r.out().contains("default_policy web\n"), r.out());
        assertTrue(r.out().contains("\ntransport sendmail\n"), r.out());
        assertFalse(relay.mtaRan());
        Files.writeString(relay.configPath(), Files.readString(relay.configPath())
                + "transport smtps://smtp.example.net\nsmtp_auth LOGIN\nsmtp_user u@example.net\nsmtp_secret_file /s\n");
        r = relay.runArgv(new String[] {"--check", "--config", relay.configPath().toString()}, null, new byte[0]);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\ntransport smtps://smtp.example.net:465 smtp_tls verify smtp_auth LOGIN smtp_user u@example.net\n"),
                r.out());
    }

    @Test
    void checkNamesFileAndLineOfABadConfig() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "[policy web]\nmax_size lots\n");
        RelayHarness.Result r = relay.runArgv(new String[] {"--check", "--config", relay.configPath().toString()}, null,
                new byte[0]);
        assertEquals(78, r.exit());
        assertTrue(r.err().startsWith("rsendmail: " + relay.configPath() + ":6: "), r.err());
    }

    @Test
    void checkFindsAMissingSendmailAndAnUnusableStateDir() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        Path conf = dir.resolve("c.conf");
        Files.writeString(conf, "sendmail /nonexistent/sendmail\nstate_dir " + dir.resolve("file/state") + "\n");
        RelayHarness.Result r = new RelayHarness(dir, "").runArgv(new String[] {"--check", "--config", conf.toString()},
                null, new byte[0]);
        assertEquals(78, r.exit());
        List<String> lines = r.err().lines().toList();
        assertEquals(List.of("rsendmail: sendmail /nonexistent/sendmail: no such file",
                "rsendmail: state directory " + dir.resolve("file/state") + " unusable: Not a directory"), lines);
    }

    @Test
    void aLogThatCannotBeWrittenStopsTheRelayAtStartNamingTheLine() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        Path gone = dir.resolve("gone/relay.log");
        Files.writeString(relay.configPath(), Files.readString(relay.configPath()).replace("log " + dir.resolve("relay.log"),
                "log " + gone));
        RelayHarness.Result r = relay.run("rsendmail -f a@example.org b@example.org", MSG);
        assertEquals(78, r.exit(), r.err());
        assertEquals("4.3.5 relay configuration: " + relay.configPath() + ":2: log " + gone
                + ": cannot write to it: No such file or directory\n", r.err());
        assertFalse(relay.mtaRan());

        RelayHarness.Result check = relay.runArgv(new String[] {"--check", "--config", relay.configPath().toString()},
                null, new byte[0]);
        assertEquals(78, check.exit());
        assertEquals("rsendmail: " + relay.configPath() + ":2: log " + gone + ": no directory " + gone.getParent() + "\n",
                check.err());
    }

    @Test
    void anExplicitJournalWithoutJournaldStopsTheRelayAtStart() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(net.rsendmail.log.LogTarget.JOURNAL_SOCKET));
        RelayHarness relay = new RelayHarness(dir, "");
        Files.writeString(relay.configPath(), Files.readString(relay.configPath()).replace("log " + dir.resolve("relay.log"),
                "log journal"));
        RelayHarness.Result r = relay.run("rsendmail --lmtp", "LHLO x\r\n");
        assertEquals(78, r.exit(), r.err());
        assertEquals("", r.out(), "stdout is the LMTP channel");
        assertTrue(r.err().startsWith("4.3.5 relay configuration: " + relay.configPath() + ":2: log journal: cannot connect to "
                + net.rsendmail.log.LogTarget.JOURNAL_SOCKET + ": "), r.err());
    }

    @Test
    void checkIsNotForTheClient() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        RelayHarness.Result r = relay.run("rsendmail b@example.net", MSG, "--check");
        assertEquals(78, r.exit());
        assertEquals("", r.out(), "no policy is shown to a client");
    }

    @Test
    void lmtpWithAnUnusableStateDirAnswers421NamingTheDirectoryAndReason() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        RelayHarness relay = new RelayHarness(dir, "state_dir " + dir.resolve("file/state") + "\n");
        RelayHarness.Result r = relay.run("rsendmail --lmtp", "LHLO c\r\nMAIL FROM:<a@example.org>\r\n");
        assertEquals(75, r.exit());
        String expected = "421 4.3.0 state directory " + dir.resolve("file/state") + " unusable: Not a directory\r\n";
        assertEquals(expected, r.out());
        List<String> log = relay.logLines();
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("mode=lmtp") && log.get(0).contains("unusable: Not a directory"), log.get(0));
        assertNoJavaNames(r.out() + log);
        assertFalse(relay.mtaRan());
    }

    @Test
    void plainRateLimitWithAnUnusableStateDirNamesTheReason() throws Exception {
        Files.writeString(dir.resolve("file"), "x");
        RelayHarness relay = new RelayHarness(dir, "state_dir " + dir.resolve("file/state") + "\n"
                + "[policy p]\nmax_per_hour 3\n");
        RelayHarness.Result r = relay.run("sendmail b@example.net", MSG, "--policy", "p");
        assertEquals(75, r.exit());
        assertEquals("4.3.0 state directory " + dir.resolve("file/state") + " unusable: Not a directory\n", r.err());
        assertTrue(relay.logLines().get(0).contains("status=refused 75 4.3.0 state directory"), relay.logLines().toString());
        assertFalse(relay.mtaRan());
    }

    @Test
    void aMissingStateDirIsMadePrivateOnlyBelowAnExistingParent() throws Exception {
        RelayHarness made = new RelayHarness(dir, "state_dir " + dir.resolve("state-new") + "\n");
        RelayHarness.Result r = made.run("rsendmail --lmtp", "LHLO c\r\nQUIT\r\n");
        assertEquals(0, r.exit(), r.out());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state-new"))));

        Path deep = dir.resolve("no-such-parent/state");
        RelayHarness notMade = new RelayHarness(dir, "state_dir " + deep + "\n");
        r = notMade.run("rsendmail --lmtp", "LHLO c\r\nQUIT\r\n");
        assertEquals(75, r.exit());
        assertTrue(r.out().startsWith("421 4.3.0 state directory " + deep + " unusable: parent directory "), r.out());
        assertFalse(Files.exists(dir.resolve("no-such-parent")));
    }

    @Test
    void extractTakesEveryBccFormAndCutsThem() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        String msg = "From: a@example.org\nTo: t@example.net\nBcc : o@example.net\nbcc:\n l@example.net\nSubject: s\n\nbody\n";
        RelayHarness.Result r = relay.run("sendmail -t -f a@example.org", msg);
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "t@example.net", "o@example.net", "l@example.net"),
                relay.mtaArgv());
        assertEquals("From: a@example.org\nTo: t@example.net\nSubject: s\n\nbody\n", new String(relay.mtaStdin()));
    }

    @Test
    void extractOnAResentMessageTakesTheResentFields() throws Exception {
        RelayHarness relay = new RelayHarness(dir, "");
        String msg = "From: a@example.org\nTo: old@example.net\nBcc: oldbcc@example.net\nResent-From: a@example.org\n"
                + "Resent-To: new@example.net\nResent-Bcc: hidden@example.net\n\nbody\n";
        RelayHarness.Result r = relay.run("sendmail -t -f a@example.org", msg);
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("-oi", "-f", "a@example.org", "--", "new@example.net", "hidden@example.net"), relay.mtaArgv());
        assertEquals("From: a@example.org\nTo: old@example.net\nResent-From: a@example.org\nResent-To: new@example.net\n\nbody\n",
                new String(relay.mtaStdin()));
    }

    static void assertNoJavaNames(String text) {
        for (String java : List.of("Exception", "java.", "net.rsendmail", "sun.nio")) {
            assertFalse(text.contains(java), "Java class name in: " + text);
        }
    }
}
