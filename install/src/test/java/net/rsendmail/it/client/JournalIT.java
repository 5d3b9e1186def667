package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateJournal;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import org.junit.jupiter.api.Test;

/**
 * Logging that arrives: with journald running and no {@code log} line, the client (its runner) and
 * the relay (forced command and serve) write to the journal, each line with its program's
 * SYSLOG_IDENTIFIER, facility mail and its level as PRIORITY. A log that cannot be written stops
 * either program at start with exit 78 and the config line.
 */
class JournalIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void bothProgramsLogToTheJournalByDefault() throws Exception {
        withJournal((journal, w) -> {
            Proc.Result r = sendmail(w, journal, "journal one");
            assertEquals(0, r.exit(), r.toString());

            Map<String, String> relay = journal.await("rsendmail", "status=sent", WAIT);
            assertEquals("6", relay.get("PRIORITY"));
            assertEquals("2", relay.get("SYSLOG_FACILITY"), "facility mail");
            assertTrue(relay.get("MESSAGE").startsWith("policy=default mode="), relay.toString());
            assertTrue(relay.get("MESSAGE").contains("from=<alice@client.test>") && relay.get("MESSAGE").contains(
                    "to=<bob@example.org>"), relay.toString());
            Map<String, String> client = journal.await("sshsendmail", "status=sent", WAIT);
            assertEquals("6", client.get("PRIORITY"));
            assertEquals("2", client.get("SYSLOG_FACILITY"));
            assertTrue(client.get("MESSAGE").contains("from=<alice@client.test>"), client.toString());
            w.awaitOwnGone(WAIT);

            // the relay's MTA defers: a warning on both sides
            w.stubExit(75);
            assertEquals(0, sendmail(w, journal, "journal two").exit());
            Map<String, String> refused = journal.await("rsendmail", "status=refused 75", WAIT);
            assertEquals("4", refused.get("PRIORITY"), refused.toString());
            Map<String, String> deferred = journal.await("sshsendmail", "status=deferred", WAIT);
            assertEquals("4", deferred.get("PRIORITY"), deferred.toString());
            assertTrue(!Files.exists(w.dir.resolve("relay.log")) && !Files.exists(w.dir.resolve("client.log")),
                    "no log file was written");
        });
    }

    @Test
    void theDaemonLogsToTheJournalByDefault() throws Exception {
        withJournal((journal, w) -> {
            ProcessBuilder pb = new ProcessBuilder(journal.enter(List.of(w.sshsendmail().toString(), "--daemon")))
                    .redirectErrorStream(true).redirectOutput(w.dir.resolve("daemon.out").toFile());
            pb.environment().put("SSHSENDMAIL_CONF", w.clientConf.toString());
            Process daemon = pb.start();
            try {
                assertEquals("6", journal.await("sshsendmail", "daemon started", WAIT).get("PRIORITY"));
                w.enqueue("alice@client.test", "to the daemon", "bob@example.org");
                journal.await("sshsendmail", "status=sent", WAIT);
                journal.await("rsendmail", "status=sent", WAIT);
            } finally {
                daemon.destroy();
                assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon did not stop on SIGTERM");
            }
            journal.await("sshsendmail", "daemon stopped", WAIT);
            assertEquals("", Files2.read(w.dir.resolve("daemon.out")), "stdout and stderr carry no log line");
        });
    }

    @Test
    void serveLogsToTheJournal() throws Exception {
        assumeTrue(PrivateJournal.available(), "needs root, unshare, nsenter and systemd-journald");
        Path dir = Files2.tempDir("it-journal-serve");
        try (PrivateJournal journal = PrivateJournal.start(dir)) {
            RecordingSendmail mta = new RecordingSendmail(dir.resolve("mta"));
            Path conf = dir.resolve("rsendmail.conf");
            Files2.write(dir.resolve("authorized_keys"), "");
            Files2.write(conf, "sendmail " + mta.path() + "\nlog journal\nstate_dir " + dir.resolve("state")
                    + "\nlisten 127.0.0.1:0\nhost_key " + dir.resolve("host_key") + "\nauthorized_keys "
                    + dir.resolve("authorized_keys") + "\n");
            Process serve = new ProcessBuilder(journal.enter(List.of(Dist.rsendmail().toString(), "serve", "--config",
                    conf.toString()))).redirectErrorStream(true).redirectOutput(dir.resolve("serve.out").toFile()).start();
            try {
                Map<String, String> listening = journal.await("rsendmail", "serve: listening on 127.0.0.1:", WAIT);
                assertEquals("6", listening.get("PRIORITY"));
                Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(listening.get("MESSAGE"));
                assertTrue(m.find(), listening.toString());
                Proc.check(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("stranger").toString());
                Proc.Result r = Proc.run(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
                        "-o", "IdentityAgent=none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                        "-i", dir.resolve("stranger").toString(), "-p", m.group(1), "relay@127.0.0.1", "rsendmail",
                        "--version"), null, WAIT, null, dir);
                assertTrue(r.exit() != 0, r.toString());
                Map<String, String> session = journal.await("rsendmail", "session remote=127.0.0.1", WAIT);
                assertEquals("4", session.get("PRIORITY"), "a refused login is a warning: " + session);
            } finally {
                serve.destroy();
                assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
            }
            journal.await("rsendmail", "serve: stopped", WAIT);
        } finally {
            if (!Boolean.getBoolean("it.keep")) {
                Files2.deleteTree(dir);
            }
        }
    }

    @Test
    void aLogThatCannotBeWrittenIsExit78AtStartForBothPrograms() throws Exception {
        assumeFalse(Files.exists(Path.of("/run/systemd/journal/stdout")), "this host runs journald");
        try (World w = new World()) {
            Path gone = w.dir.resolve("gone/client.log");
            Files2.write(w.clientConf, Files2.read(w.clientConf).replace("log " + w.dir.resolve("client.log"),
                    "log " + gone));
            int line = lineOf(w.clientConf, "log ");
            Proc.Result q = w.sshsendmail(null, "-q");
            assertEquals(78, q.exit(), q.toString());
            assertTrue(q.err().contains(w.clientConf + ":" + line + ": log " + gone
                    + ": cannot write to it: No such file or directory"), q.err());
            assertEquals(1, q.err().lines().count(), q.err());

            Files2.write(w.clientConf, Files2.read(w.clientConf).replace("log " + gone, "log journal"));
            Proc.Result d = w.sshsendmail(null, "--daemon");
            assertEquals(78, d.exit(), d.toString());
            assertTrue(d.err().contains(w.clientConf + ":" + line + ": log journal: cannot connect to"
                    + " /run/systemd/journal/stdout"), d.err());

            Files2.write(w.relayConf, Files2.read(w.relayConf).replace("log " + w.dir.resolve("relay.log"), "log journal"));
            int relayLine = lineOf(w.relayConf, "log ");
            Proc.Result relay = w.run(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(),
                    "-f", "alice@client.test", "bob@example.org"), World.message("alice@client.test", "bob@example.org",
                    "s"), Map.of(), WAIT);
            assertEquals(78, relay.exit(), relay.toString());
            assertTrue(relay.err().startsWith("4.3.5 relay configuration: " + w.relayConf + ":" + relayLine
                    + ": log journal: cannot connect to /run/systemd/journal/stdout"), relay.err());
            assertTrue(w.calls().isEmpty(), "nothing handed over");

            Files2.write(w.relayConf, "listen 127.0.0.1:0\nhost_key " + w.dir.resolve("hk") + "\nauthorized_keys "
                    + w.dir.resolve("ak") + "\n" + Files2.read(w.relayConf));
            relayLine = lineOf(w.relayConf, "log ");
            Proc.Result serve = w.run(List.of(Dist.rsendmail().toString(), "serve", "--config", w.relayConf.toString()),
                    null, Map.of(), WAIT);
            assertEquals(78, serve.exit(), serve.toString());
            assertTrue(serve.err().contains(w.relayConf + ":" + relayLine + ": log journal: cannot connect to"), serve.err());
            assertTrue(!serve.err().contains("listening"), serve.err());
        }
    }

    interface InJournal {
        void run(PrivateJournal journal, World w) throws Exception;
    }

    /**
     * Runs {@code test} with a private journald and a World without log lines (the built-in
     * default applies on both sides) whose relay runs in the journal's namespace.
     */
    private static void withJournal(InJournal test) throws Exception {
        assumeTrue(PrivateJournal.available(), "needs root, unshare, nsenter and systemd-journald");
        Path dir = Files2.tempDir("it-journal");
        // World closes first: its runners and relays end while journald still takes their lines
        try (PrivateJournal journal = PrivateJournal.start(dir); World w = new World()) {
            withoutLogLines(w);
            w.forceCommand(journal.enterLine(w.relayCommand()));
            test.run(journal, w);
        } finally {
            if (!Boolean.getBoolean("it.keep")) {
                Files2.deleteTree(dir);
            }
        }
    }

    /** Drops the log lines World writes, so that the built-in default applies on both sides. */
    private static void withoutLogLines(World w) {
        Files2.write(w.clientConf, Files2.read(w.clientConf).replace("log " + w.dir.resolve("client.log") + "\n", ""));
        Files2.write(w.relayConf, Files2.read(w.relayConf).replace("log " + w.dir.resolve("relay.log") + "\n", ""));
    }

    private static Proc.Result sendmail(World w, PrivateJournal journal, String subject) {
        return w.run(journal.enter(List.of(w.sshsendmail().toString(), "-i", "-f", "alice@client.test",
                "bob@example.org")), World.message("alice@client.test", "bob@example.org", subject),
                Map.of("SSHSENDMAIL_CONF", w.clientConf.toString()), WAIT);
    }

    private static int lineOf(Path file, String prefix) {
        List<String> lines = Files2.read(file).lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new AssertionError("no '" + prefix + "' line in " + file);
    }
}
