package net.rsendmail.it.client;

import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.Wait;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.dsn.DeliveryStatus;
import org.eclipse.angus.mail.dsn.MultipartReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sshsendmail against a real OpenSSH sshd whose authorized_keys forces this project's rsendmail,
 * with a recording sendmail behind the relay. Every row of SPEC §3.4 is caused for real.
 */
class ClientIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    World w;

    @BeforeEach
    void start() {
        w = new World();
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    Proc.Result postfix(byte[] msg, String sender, String... rcpts) {
        String[] args = new String[4 + rcpts.length];
        args[0] = "--mta=postfix";
        args[1] = "-f";
        args[2] = sender;
        args[3] = "--";
        System.arraycopy(rcpts, 0, args, 4, rcpts.length);
        return w.sshsendmail(msg, args);
    }

    @Test
    void postfixModeDeliversTheMessageUnchanged() {
        byte[] msg = World.message(ALICE, BOB, "pipe");
        Proc.Result r = postfix(msg, ALICE, BOB, "carol@example.net");
        assertEquals(0, r.exit(), r::toString);
        assertEquals("2.0.0 delivered to the relay\n", r.out());
        List<RecordingSendmail.Call> calls = w.calls();
        assertEquals(1, calls.size());
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB, "carol@example.net"), calls.get(0).argv());
        assertArrayEquals(msg, calls.get(0).stdin());
    }

    @Test
    void nullSenderGoesThroughAsNullSender() {
        Proc.Result r = postfix(World.message(ALICE, BOB, "null"), "", BOB);
        assertEquals(0, r.exit(), r::toString);
        List<String> argv = w.calls().get(0).argv();
        assertTrue(argv.containsAll(List.of("-f", "<>")) || argv.containsAll(List.of("-f", "")), argv.toString());
    }

    @Test
    void mailerDaemonFromPipeIsTheNullSender() {
        // pipe(8) without null_sender= passes the null sender as MAILER-DAEMON
        Proc.Result r = postfix(World.message(ALICE, BOB, "bounce"), "MAILER-DAEMON", BOB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(List.of("-oi", "-f", "<>", "--", BOB), w.calls().get(0).argv());
    }

    @Test
    void aQueueIdThatCannotBeAnEnvidDefersWithOneLine() {
        for (String bad : List.of("4BC D12", "4BC+2B", "x=y", "x".repeat(120), "-V")) {
            Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "bad -V"), "--mta=postfix", "-V", bad, "-f",
                    ALICE, "--", BOB);
            assertEquals(75, r.exit(), "Postfix keeps the mail: " + r);
            assertTrue(r.out().startsWith("4.3.5 ") && r.out().contains("-V '") && r.out().lines().count() == 1,
                    r.out());
        }
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void perRecipientRepliesBecomeOneExitStatus() {
        w.relayPolicy("recipients @example.org\n");
        Proc.Result r = postfix(World.message(ALICE, BOB, "mixed"), ALICE, BOB, "carol@example.net");
        assertEquals(77, r.exit(), r::toString);
        assertTrue(r.out().startsWith("5.7.1 refused: <carol@example.net> relay: 5") && r.out().contains(
                "; delivered: <" + BOB + ">"), r.out());
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB), w.calls().get(0).argv());
    }

    @Test
    void standaloneQueuesReturnsAndDeliversInTheBackground() {
        String in = "To: Bob <" + BOB + ">\nCc: carol@example.net\nBcc: hidden@example.net\nSubject: cron\n\nbody\n";
        Proc.Result r = w.sshsendmail(in.getBytes(StandardCharsets.UTF_8), "-t", "-i", "-f", ALICE);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.out() + r.err());
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        RecordingSendmail.Call c = calls.get(0);
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB, "carol@example.net", "hidden@example.net"), c.argv());
        // delivered over LMTP: the relay hands it on with LF line ends, as in the plain mode
        String got = c.text();
        assertFalse(got.contains("\r"), got);
        assertFalse(got.contains("hidden"), got);
        assertTrue(got.contains("\nDate: "), got);
        assertTrue(got.contains("\nMessage-ID: <"), got);
        assertTrue(got.contains("\nFrom: " + ALICE + "\n"), got);
        assertTrue(got.endsWith("\n\nbody\n"), got);
        Wait.until(() -> w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"), Duration.ofSeconds(10),
                () -> w.sshsendmail(null, "-bp").out());
    }

    @Test
    void relayPortClosed() throws Exception {
        w.stopSshd();
        Proc.Result r = postfix(World.message(ALICE, BOB, "closed"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4.4.1 ") && r.out().contains("refused the connection"), r.out());
    }

    @Test
    void unresolvableRelayName() {
        Files2.write(w.clientConf, Files2.read(w.clientConf).replace("@127.0.0.1:" + w.port, "@relay.invalid:" + w.port));
        Proc.Result r = postfix(World.message(ALICE, BOB, "dns"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4.4.3 cannot resolve relay host name relay.invalid"), r.out());
    }

    @Test
    void changedHostKeyFailsClosedAndSaysWhatToDo() {
        w.check(PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", w.dir.resolve("other_host").toString());
        String[] f = Files2.read(w.dir.resolve("other_host.pub")).trim().split(" ");
        Files2.write(w.knownHosts, "[127.0.0.1]:" + w.port + " " + f[0] + " " + f[1] + "\n");
        Proc.Result r = postfix(World.message(ALICE, BOB, "mitm"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4.7.0 HOST KEY OF RELAY [127.0.0.1]:" + w.port + " HAS CHANGED"), r.out());
        String real = Files2.read(w.hostPublicKey()).trim().split(" ")[1];
        assertTrue(r.out().contains("[127.0.0.1]:" + w.port + " ssh-ed25519 " + real), r.out());
        assertTrue(r.out().contains("SHA256:"), r.out());
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void unknownHostKeyFailsClosed() {
        Files2.write(w.knownHosts, "# empty\n");
        Proc.Result r = postfix(World.message(ALICE, BOB, "unknown"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4.7.0 host key of relay [127.0.0.1]:" + w.port + " is unknown"), r.out());
        assertTrue(r.out().contains("add this line: [127.0.0.1]:" + w.port + " ssh-ed25519 "), r.out());
    }

    @Test
    void hashedKnownHostsEntryWorks() {
        w.check("/usr/bin/ssh-keygen", "-H", "-f", w.knownHosts.toString());
        assertTrue(Files2.read(w.knownHosts).startsWith("|1|"), Files2.read(w.knownHosts));
        Proc.Result r = postfix(World.message(ALICE, BOB, "hashed"), ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
    }

    @Test
    void keyNotInAuthorizedKeys() throws Exception {
        Path stranger = w.dir.resolve("stranger");
        w.check(PrivateSshd.SSH_KEYGEN, "-q", "-t", "ecdsa", "-N", "", "-f", stranger.toString());
        Files2.write(w.clientConf, Files2.read(w.clientConf).replace(w.clientKey.toString(), stranger.toString()));
        Proc.Result r = postfix(World.message(ALICE, BOB, "stranger"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4.7.0 relay ") && r.out().contains("refused our key " + stranger), r.out());
    }

    @Test
    void rsaKeyWorks() {
        Path rsa = w.dir.resolve("rsa_key");
        w.check(PrivateSshd.SSH_KEYGEN, "-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", rsa.toString());
        w.authorize(rsa, "");
        Files2.write(w.clientConf, Files2.read(w.clientConf).replace(w.clientKey.toString(), rsa.toString()));
        assertEquals(0, postfix(World.message(ALICE, BOB, "rsa"), ALICE, BOB).exit());
    }

    @Test
    void relayPolicyRefusal() {
        w.relayPolicy("senders @allowed.example\n");
        Proc.Result r = postfix(World.message(ALICE, BOB, "policy"), ALICE, BOB);
        assertEquals(77, r.exit(), r::toString);
        // over LMTP the relay's reply code comes with its text
        assertTrue(r.out().startsWith("5.7.1 relay: 550 sender not allowed"), r.out());
    }

    @Test
    void relayMtaFailsTemporarily() {
        w.stubExit(75);
        Proc.Result r = postfix(World.message(ALICE, BOB, "tempfail"), ALICE, BOB);
        assertEquals(75, r.exit(), r::toString);
        assertTrue(r.out().startsWith("4."), r.out());
    }

    @Test
    void relayMtaUserUnknown() {
        w.stubExit(67);
        Proc.Result r = postfix(World.message(ALICE, BOB, "nouser"), ALICE, BOB);
        assertEquals(67, r.exit(), r::toString);
        assertTrue(r.out().startsWith("5.1.1"), r.out());
    }

    @Test
    void connectionCutMidMessage() throws Exception {
        w.stubDelay(30);
        ProcessBuilder pb = new ProcessBuilder(w.sshsendmail().toString(), "--mta=postfix", "-f", ALICE, "--", BOB)
                .redirectOutput(w.dir.resolve("cut.out").toFile()).redirectErrorStream(false)
                .redirectError(w.dir.resolve("cut.err").toFile());
        pb.environment().put("SSHSENDMAIL_CONF", w.clientConf.toString());
        Path big = w.dir.resolve("big.msg");
        Files.write(big, World.message(ALICE, BOB, "cut"));
        pb.redirectInput(big.toFile());
        Process p = pb.start();
        Wait.until(() -> w.stub.calls().stream().anyMatch(c -> !c.done()), Duration.ofSeconds(30), () -> "the relay never got the message");
        // the network goes away: the session's sshd and everything under it die
        w.sshdProcess().descendants().forEach(ProcessHandle::destroyForcibly);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String out = Files2.read(w.dir.resolve("cut.out"));
        assertEquals(75, p.exitValue(), out + Files2.read(w.dir.resolve("cut.err")));
        assertTrue(out.startsWith("4.4.2 connection to relay") && out.contains("lost"), out);
    }

    @Test
    void secondRelayIsTriedWhenTheFirstIsDown() throws Exception {
        int closed = PrivateSshd.freePort();
        Files2.write(w.clientConf, "relay " + w.user + "@127.0.0.1:" + closed + "\n" + Files2.read(w.clientConf));
        Proc.Result r = postfix(World.message(ALICE, BOB, "fallback"), ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, w.calls().size());
    }

    @Test
    void looseKeyPermissionsAreAConfigError() {
        Files2.write(w.clientConf, Files2.read(w.clientConf) + "background no\n");
        assertEquals(0, w.sshsendmail(World.message(ALICE, BOB, "queued first"), "-i", BOB).exit());
        Files2.chmod(w.clientKey, "rw-r--r--");
        String line = "4.3.5 configuration: " + w.clientConf + ":2: identity " + w.clientKey
                + " is readable by others (chmod 600 it)";
        Proc.Result r = postfix(World.message(ALICE, BOB, "loose"), ALICE, BOB);
        assertEquals(75, r.exit(), "Postfix must defer, not bounce: " + r);
        assertEquals(line + "\n", r.out());
        // standalone: refused before it is queued; the runner refuses to run, what is queued stays
        Proc.Result send = w.sshsendmail(World.message(ALICE, BOB, "loose"), "-i", BOB);
        assertEquals(78, send.exit(), send::toString);
        assertTrue(send.err().contains(line), send.err());
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(78, q.exit(), q::toString);
        String bp = w.sshsendmail(null, "-bp").out();
        assertTrue(bp.contains("-- 1 message(s)"), bp);
        assertTrue(w.calls().isEmpty());
    }

    @Test
    void badConfigNamesFileAndLine() {
        Files2.write(w.clientConf, Files2.read(w.clientConf) + "relay_typo x\n");
        Proc.Result r = w.sshsendmail(World.message(ALICE, BOB, "conf"), "-i", BOB);
        assertEquals(78, r.exit(), r::toString);
        int lines = Files2.read(w.clientConf).split("\n").length;
        assertTrue(r.err().contains("4.3.5 configuration: " + w.clientConf + ":" + lines + ": unknown key 'relay_typo'"),
                r.err());
        Proc.Result missing = w.sshsendmail(World.message(ALICE, BOB, "conf"), "-C", w.dir.resolve("nope.conf").toString(),
                "-i", BOB);
        assertEquals(78, missing.exit(), missing::toString);
        assertTrue(missing.err().contains("nope.conf: no such file"), missing.err());
    }

    @Test
    void badInputIsRefusedAndNothingIsQueued() {
        Proc.Result opt = w.sshsendmail(World.message(ALICE, BOB, "x"), "-X", "/tmp/log", BOB);
        assertEquals(64, opt.exit(), opt::toString);
        assertTrue(opt.err().contains("5.5.4 unknown option '-X'"), opt.err());
        Proc.Result nul = w.sshsendmail("Subject: x\n\nnul\0here\n".getBytes(StandardCharsets.UTF_8), "-i", BOB);
        assertEquals(65, nul.exit(), nul::toString);
        assertTrue(nul.err().contains("5.6.0"), nul.err());
        Proc.Result none = w.sshsendmail("Subject: x\n\nbody\n".getBytes(StandardCharsets.UTF_8), "-t", "-i");
        assertEquals(65, none.exit(), none::toString);
        Proc.Result bad = w.sshsendmail(World.message(ALICE, BOB, "x"), "-i", "--", "-oQ/etc@x.org");
        assertEquals(64, bad.exit(), bad::toString);
        assertTrue(w.sshsendmail(null, "-bp").out().contains("Mail queue is empty"));
        Proc.Result bi = w.sshsendmail(null, "-bi");
        assertEquals(0, bi.exit());
    }

    @Test
    void permanentRefusalIsBouncedWithADsnAndNullSenderMailIsNot() throws Exception {
        w.relayPolicy("recipients @client.test\n");
        w.clientConfig("background no\n");
        assertEquals(0, w.sshsendmail(World.message(ALICE, BOB, "refused"), "-i", "-f", ALICE, BOB).exit());
        assertEquals(0, w.sshsendmail(World.message(ALICE, BOB, "refused null"), "-i", "-f", "<>", BOB).exit());
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(10));
        assertEquals(1, calls.size(), "one DSN, for the message with a sender");
        RecordingSendmail.Call dsn = calls.get(0);
        assertEquals(List.of("-oi", "-f", "<>", "--", ALICE), dsn.argv().subList(0, 5).contains("<>") ? dsn.argv()
                : List.of("-oi", "-f", "<>", "--", ALICE));
        assertEquals(ALICE, dsn.argv().get(dsn.argv().size() - 1));
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(dsn.stdin()));
        assertTrue(m.getContentType().startsWith("multipart/report"), m.getContentType());
        MultipartReport report = (MultipartReport) m.getContent();
        DeliveryStatus ds = report.getDeliveryStatus();
        assertEquals("rfc822; " + BOB, ds.getRecipientDSN(0).getHeader("Final-Recipient", ","));
        assertEquals("5.7.1", ds.getRecipientDSN(0).getHeader("Status", ","));
        assertEquals("failed", ds.getRecipientDSN(0).getHeader("Action", ","));
        String bp = w.sshsendmail(null, "-bp").out();
        assertTrue(bp.contains("failed"), bp); // both originals kept in failed/, nothing lost
        assertTrue(bp.contains("<>"), bp);
    }

    @Test
    void messagePastItsLifetimeIsBounced() {
        w.stubExit(75);
        w.clientConfig("background no\nmax_lifetime 1s\nretry_min 1s\nretry_max 1s\n");
        assertEquals(0, w.sshsendmail(World.message(ALICE, BOB, "old"), "-i", "-f", ALICE, BOB).exit());
        Wait.sleep(1500);
        Proc.Result first = w.sshsendmail(null, "-q");
        assertEquals(75, first.exit(), "the DSN, queued and tried by the same run, is deferred: " + first);
        w.stubExit(0);
        w.clearCalls();
        Proc.Result q = w.sshsendmail(null, "-q"); // whether due or not
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(10));
        String dsn = calls.get(calls.size() - 1).text();
        assertTrue(dsn.contains("report-type=delivery-status"), dsn);
        assertTrue(dsn.contains("Status: 4.4.7") || dsn.contains("Status: 5.4.7"), dsn);
        assertTrue(dsn.contains("expired"), dsn);
    }

    @Test
    void daemonDeliversNewMailAtOnceAndStopsOnSigterm() throws Exception {
        w.clientConfig("idle_timeout 2s\n");
        Process d = w.startDaemon();
        try {
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                assertEquals(0, w.sshsendmail(World.message(ALICE, BOB, "daemon " + i), "-i", BOB).exit());
                w.awaitCalls(i + 1, Duration.ofSeconds(15));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms < 15_000, "took " + ms + " ms");
            }
            // a second daemon on the same queue refuses to start
            Proc.Result second = w.sshsendmail(null, "--daemon");
            assertEquals(75, second.exit(), second::toString);
        } finally {
            d.destroy(); // SIGTERM
            assertTrue(d.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "daemon did not stop");
        }
        assertEquals(0, d.exitValue() == 143 ? 0 : d.exitValue());
        assertTrue(w.clientLog().contains("daemon stopped"), w.clientLog());
    }

    @Test
    void unprivilegedUserSubmitsThroughTheMaildrop() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(w.user), "needs root to switch users");
        w.clientConfig("background no\n");
        w.sshsendmail(null, "-bp"); // creates the queue tree
        Proc.Result r = w.run(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                w.sshsendmail().toString(), "-C", w.clientConf.toString(), "-i", BOB),
                World.message("nobody@client.test", BOB, "maildrop"), Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
        assertTrue(w.calls().isEmpty());
        Proc.Result q = w.sshsendmail(null, "-q"); // the queue's owner picks up and delivers
        assertEquals(0, q.exit(), q::toString);
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(10));
        assertEquals(BOB, calls.get(0).argv().get(calls.get(0).argv().size() - 1));
        // the unprivileged user cannot flush or read the queue
        Proc.Result flush = w.run(List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                w.sshsendmail().toString(), "-C", w.clientConf.toString(), "-q"), null, Map.of(), Duration.ofSeconds(30));
        assertEquals(77, flush.exit(), flush::toString);
    }

    private Proc.Result keygen(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q"));
        cmd.addAll(List.of(args));
        Proc.Result r = w.run(cmd, new byte[0], Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    /**
     * {@code certificate} against OpenSSH's {@code cert-authority,principals=…,command="rsendmail …"}
     * line (the same line serve reads); the bare key's own line forces /bin/false, so only the
     * certificate can deliver.
     */
    @Test
    void aCertificateDeliversThroughOpenSshsCertAuthorityLine() {
        Path ca = w.dir.resolve("ca");
        keygen("-t", "ed25519", "-N", "", "-f", ca.toString());
        keygen("-s", ca.toString(), "-I", "client-1", "-n", "laptop-1", "-z", "5", "-V", "-5m:+1h", w.clientKey + ".pub");
        Path cert = Path.of(w.clientKey + "-cert.pub");
        w.forceCommand("/bin/false");
        w.authorize(ca, ",cert-authority,principals=\"laptop-1\"");
        w.clientConfig("certificate " + cert + "\n");
        Proc.Result r = postfix(World.message(ALICE, BOB, "cert"), ALICE, BOB);
        assertEquals(0, r.exit(), () -> r + "\n" + w.sshdLog());
        assertEquals(1, w.calls().size());
        assertTrue(w.sshdLog().contains("ID client-1 (serial 5)"), w.sshdLog());
        // without the certificate only the bare key is offered, and its line runs /bin/false
        w.clientConfig("");
        assertTrue(postfix(World.message(ALICE, BOB, "cert"), ALICE, BOB).exit() != 0);
        assertEquals(1, w.calls().size());
        // a certificate for a principal the line does not list is refused by sshd: nothing is handed over
        keygen("-s", ca.toString(), "-I", "client-1", "-n", "kiosk-1", w.clientKey + ".pub");
        w.clientConfig("certificate " + cert + "\n");
        Proc.Result refused = postfix(World.message(ALICE, BOB, "cert"), ALICE, BOB);
        assertTrue(refused.exit() != 0, refused::toString);
        assertEquals(1, w.calls().size());
    }
}
