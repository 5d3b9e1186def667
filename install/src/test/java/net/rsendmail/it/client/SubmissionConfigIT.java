package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A configuration that can never deliver is refused before anything is queued: a sendmail call,
 * {@code -q} and {@code --daemon} exit 78 with the file and line; the Postfix pipe defers (75) and
 * the nullmailer module exits 18 (temporary), each with the same line. Real launcher, real queue,
 * real OpenSSH relay (which never sees a connection).
 */
class SubmissionConfigIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    @AutoClose
    final World w = new World();

    /** The lines World writes, without the one starting with {@code drop}. */
    void configWithout(String drop) {
        w.clientConfig("");
        StringBuilder b = new StringBuilder();
        for (String l : Files2.read(w.clientConf).split("\n")) {
            if (!l.startsWith(drop + " ")) {
                b.append(l).append('\n');
            }
        }
        Files2.write(w.clientConf, b.toString());
    }

    /** Every mode that delivers refuses with {@code line}, and nothing is queued. */
    void refusedEverywhere(String line) throws Exception {
        byte[] msg = World.message(ALICE, BOB, "never");
        Proc.Result send = w.sshsendmail(msg, "-i", "-f", ALICE, BOB);
        assertEquals(78, send.exit(), send::toString);
        assertEquals("sshsendmail: 4.3.5 configuration: " + line + "\n", send.err(), send::toString);
        assertEquals("", send.out());
        Proc.Result t = w.sshsendmail("To: bob@example.org\nSubject: t\n\nx\n".getBytes(StandardCharsets.UTF_8), "-t", "-i");
        assertEquals(78, t.exit(), t::toString);
        for (String mode : List.of("-q", "--daemon")) {
            Proc.Result r = w.sshsendmail(null, mode);
            assertEquals(78, r.exit(), r::toString);
            assertEquals("sshsendmail: 4.3.5 configuration: " + line + "\n", r.err(), r::toString);
        }
        Proc.Result pipe = w.sshsendmail(msg, "--mta=postfix", "-f", ALICE, "--", BOB);
        assertEquals(75, pipe.exit(), "Postfix must defer, not bounce: " + pipe);
        assertEquals("4.3.5 configuration: " + line + "\n", pipe.out(), pipe::toString);
        assertFalse(Files.exists(w.queue), "nothing queued, not even the queue made");
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void noRelay() throws Exception {
        configWithout("relay");
        refusedEverywhere(w.clientConf + ": no 'relay' line");
    }

    @Test
    void emptyConfig() throws Exception {
        Files2.write(w.clientConf, "# nothing yet\n");
        refusedEverywhere(w.clientConf + ": no 'relay' line");
    }

    @Test
    void noIdentity() throws Exception {
        configWithout("identity");
        refusedEverywhere(w.clientConf + ": no 'identity' line");
    }

    @Test
    void identityMissing() throws Exception {
        Files.delete(w.clientKey);
        refusedEverywhere(w.clientConf + ":2: identity " + w.clientKey + ": no such file");
    }

    @Test
    void identityReadableByOthers() throws Exception {
        Files2.chmod(w.clientKey, "rw-r--r--");
        refusedEverywhere(w.clientConf + ":2: identity " + w.clientKey + " is readable by others (chmod 600 it)");
    }

    @Test
    void identityReadableByItsGroup() throws Exception {
        Files2.chmod(w.clientKey, "rw-r-----");
        refusedEverywhere(w.clientConf + ":2: identity " + w.clientKey + " is readable by its group (chmod 600 it)");
    }

    @Test
    void knownHostsMissing() throws Exception {
        Files.delete(w.knownHosts);
        refusedEverywhere(w.clientConf + ":3: known_hosts " + w.knownHosts + ": no such file");
    }

    @Test
    void noKnownHostsLineAndNoDefaultFile() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.exists(Path.of("/etc/sshsendmail/known_hosts")),
                "this machine has the default known_hosts");
        configWithout("known_hosts");
        refusedEverywhere(w.clientConf + ": known_hosts /etc/sshsendmail/known_hosts: no such file");
    }

    @Test
    void noConfigFile() throws Exception {
        Path none = w.dir.resolve("none.conf");
        Proc.Result r = w.run(List.of(w.sshsendmail().toString(), "-i", BOB), World.message(ALICE, BOB, "x"),
                Map.of("SSHSENDMAIL_CONF", none.toString()), Duration.ofSeconds(60));
        assertEquals(78, r.exit(), r::toString);
        assertEquals("sshsendmail: 4.3.5 configuration: " + none + ": no such file\n", r.err());
    }

    @Test
    void theNullmailerModuleDefersWithTheSameLine() throws Exception {
        Files2.chmod(w.clientKey, "rw-r--r--");
        Path fd3 = Files2.write(w.dir.resolve("fd3"), ALICE + "\n" + BOB + "\n\n"
                + new String(World.message(ALICE, BOB, "nm"), StandardCharsets.UTF_8));
        String options = "host=127.0.0.1\nuser=" + w.user + "\nport=" + w.port + "\nconfig=" + w.clientConf + "\n\n";
        Proc.Result r = nullmailer(fd3, options);
        assertEquals(18, r.exit(), "nullmailer's ERR_CONFIG, temporary: " + r);
        assertEquals("sshsendmail: Failed: 4.3.5 configuration: " + w.clientConf + ":2: identity " + w.clientKey
                + " is readable by others (chmod 600 it)\n", r.err(), r::toString);
        // an option on the remote line is named as such
        Path other = w.dir.resolve("other_key");
        Files2.write(other, "x");
        Files2.chmod(other, "rw-rw----");
        Proc.Result o = nullmailer(fd3, "identity=" + other + "\n" + options);
        assertEquals(18, o.exit(), o::toString);
        assertEquals("sshsendmail: Failed: 4.3.5 configuration: nullmailer remote option identity: identity " + other
                + " is readable by its group (chmod 600 it)\n", o.err(), o::toString);
        assertTrue(w.calls().isEmpty());
    }

    /** bin/sshsendmail-nullmailer with the options on stdin and the message on descriptor 3. */
    Proc.Result nullmailer(Path fd3, String options) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$0\" 3<\"$1\"",
                w.dist.resolve("bin/sshsendmail-nullmailer").toString(), fd3.toString()));
        return w.run(cmd, options.getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ofSeconds(60));
    }

    @Test
    void aGoodConfigurationStillQueuesAndDelivers() throws Exception {
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "fine"), "-i", "-f", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, w.awaitCalls(1, Duration.ofSeconds(30)).size());
    }
}
