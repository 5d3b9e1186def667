package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateDovecot;
import net.rsendmail.it.PrivatePostfix;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.TestCa;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code transport smtp://} and {@code smtps://} end to end: sshsendmail queues, real OpenSSH runs
 * the dist rsendmail, which hands each message to a real Postfix smarthost on 127.0.0.1 (smtpd
 * with STARTTLS and implicit TLS under a test CA made by openssl, SASL AUTH through a private
 * Dovecot auth service, a recipient access map answering 450 and 550), whose virtual(8) delivers
 * into a Maildir. Needs root (Postfix, Dovecot).
 */
class SmarthostIT {
    static final String USER = "relay@client.test";
    static final String PASSWORD = "s3cret-pass";
    static final String ALICE = "alice@client.test";

    static Path dir;
    static TestCa ca;
    static PrivateDovecot dovecot;
    static PrivatePostfix postfix;
    /** STARTTLS with the CA's certificate, open relay (for loopback only). */
    static int open;
    /** STARTTLS, AUTH required. */
    static int auth;
    /** Implicit TLS (smtps), AUTH required. */
    static int smtps;
    /** STARTTLS with a self-signed certificate, open relay. */
    static int self;

    World w;

    @BeforeAll
    static void startSmarthost() throws IOException {
        assumeRoot();
        dir = Files2.tempDir("it-smarthost");
        ca = TestCa.create(Files.createDirectories(dir.resolve("ca")));
        Path[] server = ca.server("smarthost");
        Path[] selfSigned = ca.selfSigned("selfsigned");
        dovecot = PrivateDovecot.start(dir.resolve("dovecot"), USER, PASSWORD);
        Path access = Files2.write(dir.resolve("access"), "temp@example.net 450 4.2.1 mailbox busy, try later\n"
                + "gone@example.net 550 5.1.1 no such mailbox here\n");
        open = PrivateSshd.freePort();
        auth = PrivateSshd.freePort();
        smtps = PrivateSshd.freePort();
        self = PrivateSshd.freePort();
        List<String> main = List.of(
                "smtpd_tls_cert_file = " + server[1],
                "smtpd_tls_key_file = " + server[0],
                "smtpd_tls_security_level = may",
                "smtpd_tls_loglevel = 1",
                "smtpd_sasl_type = dovecot",
                "smtpd_sasl_path = " + dovecot.socket(),
                "smtpd_sasl_auth_enable = yes",
                "smtpd_tls_auth_only = yes",
                "mynetworks = 127.0.0.0/8",
                "smtpd_relay_restrictions = permit_mynetworks, reject",
                "smtpd_recipient_restrictions = check_recipient_access texthash:" + access,
                "smtpd_helo_restrictions =",
                "smtpd_client_restrictions =");
        List<String> services = new ArrayList<>(PrivatePostfix.SMTPD_SERVICES);
        String smtpd = " inet  n       -       n       -       -       smtpd";
        String authOnly = "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject";
        services.addAll(List.of(
                "127.0.0.1:" + open + smtpd,
                "127.0.0.1:" + auth + smtpd, authOnly,
                "127.0.0.1:" + smtps + smtpd, authOnly, "  -o smtpd_tls_wrappermode=yes",
                "127.0.0.1:" + self + smtpd, "  -o smtpd_tls_cert_file=" + selfSigned[1],
                "  -o smtpd_tls_key_file=" + selfSigned[0]));
        postfix = PrivatePostfix.start(Files.createDirectories(dir.resolve("postfix")), main, services);
        for (int port : new int[] {open, auth, smtps, self}) {
            postfix.awaitSmtpd("127.0.0.1", port);
        }
    }

    private static void assumeRoot() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files2.isRoot(), "a private Postfix and Dovecot need root");
    }

    @AfterAll
    static void stopSmarthost() {
        try {
            if (postfix != null) {
                postfix.close();
            }
        } finally {
            if (dovecot != null) {
                dovecot.close();
            }
            if (dir != null && !Boolean.getBoolean("it.keep")) {
                Files2.deleteTree(dir);
            }
        }
    }

    @BeforeEach
    void start() {
        postfix.clear();
        w = new World();
        w.clientConfig("background no\n");
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    /** The relay's config: this transport block in [policy default]. */
    private void transport(String lines) {
        Files2.write(w.relayConf, "log " + w.dir.resolve("relay.log") + "\n"
                + "state_dir " + w.dir + "\n"
                + "default_policy default\n"
                + "[policy default]\nmax_recipients 100\n" + lines + "\n");
    }

    private String secretFile() {
        Path f = Files2.write(w.dir.resolve("smtp.secret"), PASSWORD + "\n");
        Files2.chmod(f, "rw-------");
        return f.toString();
    }

    private Proc.Result send(byte[] message, String... rcpts) {
        List<String> args = new ArrayList<>(List.of("-oi", "-f", ALICE));
        args.addAll(List.of(rcpts));
        return w.sshsendmail(message, args.toArray(String[]::new));
    }

    /** Queues the message and runs the queue once; -q exits 75 when something stays queued. */
    private void sendAndFlush(byte[] message, String... rcpts) {
        Proc.Result r = send(message, rcpts);
        assertEquals(0, r.exit(), r::toString);
        w.sshsendmail(null, "-q");
    }

    private String diagnostics() {
        return "\n--- relay log:\n" + w.relayLog() + "\n--- client log:\n" + w.clientLog() + "\n--- smarthost maillog:\n"
                + postfix.maillog() + "\n--- dovecot:\n" + dovecot.log();
    }

    private List<PrivatePostfix.Delivered> awaitDelivered(int n) {
        return postfix.awaitMessages(n, Duration.ofSeconds(60));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void starttlsVerifiedAgainstTheTestCaCarriesTheMessageUnchanged() {
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        byte[] m = World.message(ALICE, "bob@example.net", "over the smarthost");
        sendAndFlush(m, "bob@example.net");
        List<PrivatePostfix.Delivered> got = awaitDelivered(1);
        assertEquals("bob@example.net", got.get(0).deliveredTo(), this::diagnostics);
        assertEquals("<" + ALICE + ">", got.get(0).returnPath());
        assertEquals(new String(m, StandardCharsets.UTF_8), new String(got.get(0).original(), StandardCharsets.UTF_8),
                "the bytes as the client sent them: no new Message-ID, no header changed");
        assertTrue(postfix.maillog().contains("Trusted TLS connection established")
                || postfix.maillog().contains("TLS connection established"), this::diagnostics);
        assertTrue(w.clientLog().contains("status=sent"), this::diagnostics);
    }

    @Test
    void authPlainAndLoginOverStarttlsAndSmtps() {
        String[][] cases = {
            {"smtp://127.0.0.1:" + auth, "PLAIN"},
            {"smtp://127.0.0.1:" + auth, "LOGIN"},
            {"smtps://127.0.0.1:" + smtps, "PLAIN"},
        };
        int n = 0;
        for (String[] c : cases) {
            transport("transport " + c[0] + "\nsmtp_ca_file " + ca.caCert() + "\nsmtp_auth " + c[1]
                    + "\nsmtp_user " + USER + "\nsmtp_secret_file " + secretFile());
            sendAndFlush(World.message(ALICE, "bob@example.net", "auth " + c[1]), "bob@example.net");
            awaitDelivered(++n);
            String method = "sasl_method=" + c[1] + ", sasl_username=" + USER;
            int seen = postfix.maillog().split(Pattern.quote(method), -1).length - 1;
            assertTrue(seen >= 1, "smtpd logged " + method + diagnostics());
        }
        // a wrong secret: the mail stays queued, the log says why
        Path wrong = Files2.write(w.dir.resolve("wrong.secret"), "not-it\n");
        Files2.chmod(wrong, "rw-------");
        transport("transport smtp://127.0.0.1:" + auth + "\nsmtp_ca_file " + ca.caCert()
                + "\nsmtp_auth PLAIN\nsmtp_user " + USER + "\nsmtp_secret_file " + wrong);
        sendAndFlush(World.message(ALICE, "bob@example.net", "wrong secret"), "bob@example.net");
        assertTrue(w.relayLog().contains("4.7.8") && w.relayLog().contains("refused our authentication"), this::diagnostics);
        assertTrue(w.clientLog().contains("status=deferred"), this::diagnostics);
        // a secret file others can read is refused before anything is sent
        Files2.chmod(wrong, "rw-r--r--");
        sendAndFlush(World.message(ALICE, "bob@example.net", "open secret"), "bob@example.net");
        assertTrue(w.relayLog().contains("is open to group or others"), this::diagnostics);
        // the secret from a command (argv, no shell)
        transport("transport smtp://127.0.0.1:" + auth + "\nsmtp_ca_file " + ca.caCert()
                + "\nsmtp_auth LOGIN\nsmtp_user " + USER + "\nsmtp_secret_command /bin/echo " + PASSWORD);
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        awaitDelivered(n + 2);
    }

    @Test
    void aSelfSignedSmarthostFailsUnderVerifyAndPassesUnderMay() {
        transport("transport smtp://127.0.0.1:" + self + "\nsmtp_ca_file " + ca.caCert());
        sendAndFlush(World.message(ALICE, "bob@example.net", "self-signed"), "bob@example.net");
        assertTrue(w.relayLog().contains("4.7.5") && w.relayLog().contains("no verified TLS with smtp://127.0.0.1:" + self),
                this::diagnostics);
        assertTrue(w.clientLog().contains("status=deferred"), "kept in the client's queue" + diagnostics());
        assertEquals(0, postfix.delivered().size());
        transport("transport smtp://127.0.0.1:" + self + "\nsmtp_tls may");
        Proc.Result q = w.sshsendmail(null, "-q");
        assertEquals(0, q.exit(), q::toString);
        List<PrivatePostfix.Delivered> got = awaitDelivered(1);
        assertEquals("bob@example.net", got.get(0).deliveredTo());
        assertTrue(postfix.maillog().contains("TLS connection established"), "still encrypted" + diagnostics());
    }

    @Test
    void oneRecipient4xxAnotherOne5xxInOneMessage() {
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        sendAndFlush(World.message(ALICE, "ok@example.net", "mixed"), "ok@example.net", "temp@example.net",
                "gone@example.net");
        // one line for the message: ok@ sent, gone@ failed (its DSN queued), temp@ deferred, each with its reason
        String line = w.clientLog().lines().filter(l -> l.contains("status=deferred")).findFirst()
                .orElseThrow(() -> new AssertionError(diagnostics()));
        assertTrue(line.contains("sent=<ok@example.net>") && line.contains("failed=<gone@example.net>")
                && line.contains(" dsn="), line);
        assertTrue(line.contains("4.2.1") && line.contains("mailbox busy") && line.contains("5.1.1")
                && line.contains("no such mailbox here"), line);
        assertTrue(w.relayLog().contains("sent to 1 of 3"), this::diagnostics);
        // ok@ has it; the bounce for gone@ goes back to alice the same way (the next run, if not this one)
        w.sshsendmail(null, "-q"); // 75: temp@ is still refused
        List<PrivatePostfix.Delivered> got = awaitDelivered(2);
        assertEquals(List.of(ALICE, "ok@example.net"), got.stream().map(PrivatePostfix.Delivered::deliveredTo).toList());
        String dsn = new String(got.get(0).original(), StandardCharsets.UTF_8).replaceAll("\r?\n[ \t]+", " ");
        assertTrue(dsn.contains("Final-Recipient: rfc822; gone@example.net") && dsn.contains("Status: 5.1.1")
                && dsn.contains("no such mailbox here"), dsn);
        // temp@ stays queued, alone
        Proc.Result bp = w.sshsendmail(null, "-bp");
        assertTrue(bp.out().contains("<temp@example.net>") && !bp.out().contains("<ok@example.net>"), bp::toString);
    }

    /** The dist rsendmail in plain mode (as a forced command runs it): {@code -f ALICE -- RCPT...}. */
    private Proc.Result plain(String... rcpts) {
        List<String> cmd = new ArrayList<>(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(),
                "-f", ALICE, "--"));
        cmd.addAll(List.of(rcpts));
        return w.run(cmd, World.message(ALICE, rcpts[0], "plain"), Map.of(), Duration.ofSeconds(60));
    }

    @Test
    void plainModeExitsWithTheWorstRecipientsCode() {
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        Proc.Result gone = plain("ok@example.net", "gone@example.net");
        assertEquals(67, gone.exit(), "5.1.1: EX_NOUSER from the one table: " + gone);
        assertEquals("5.1.1 gone@example.net: smtp://127.0.0.1:" + open
                + " said: <gone@example.net>: Recipient address rejected: no such mailbox here\n", gone.err());
        Proc.Result temp = plain("gone@example.net", "temp@example.net", "ok@example.net");
        assertEquals(75, temp.exit(), "a temporary failure first, so the client keeps the mail: " + temp);
        assertTrue(temp.err().startsWith("4.2.1 temp@example.net: "), temp::toString);
        Proc.Result ok = plain("ok@example.net");
        assertEquals(0, ok.exit(), ok::toString);
        assertEquals("", ok.err() + ok.out());
        assertEquals(3, awaitDelivered(3).size(), "ok@ each time");
    }

    /** An LMTP session with the dist rsendmail on stdin/stdout (PIPELINING: the whole dialog at once). */
    private Proc.Result lmtp(String dialog) {
        return w.run(List.of(Dist.rsendmail().toString(), "--config", w.relayConf.toString(), "--lmtp"),
                utf8(dialog.replace("\n", "\r\n")), Map.of(), Duration.ofSeconds(60));
    }

    @Test
    void requireTlsToANextHopWithoutItIs5730AndTlsRequiredNoPassesUnverified() {
        String message = "From: <" + ALICE + ">\nTo: <bob@example.net>\nSubject: requiretls\n\nbody\n.\n";
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        Proc.Result r = lmtp("LHLO client.test\nMAIL FROM:<" + ALICE + "> REQUIRETLS\nRCPT TO:<bob@example.net>\n"
                + "RCPT TO:<carol@example.net>\nDATA\n" + message + "QUIT\n");
        assertTrue(r.out().contains("250-REQUIRETLS\r\n"), "offered under smtp_tls verify: " + r);
        assertEquals(2, r.out().split("550 5\\.7\\.30 REQUIRETLS support required", -1).length - 1,
                "Postfix offers no REQUIRETLS (RFC 8689 §4.2.1): " + r + diagnostics());
        assertTrue(w.relayLog().contains("5.7.30"), this::diagnostics);
        assertEquals(0, postfix.delivered().size(), "nothing sent");
        // not offered where it cannot be honoured
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_tls may");
        Proc.Result may = lmtp("LHLO client.test\nMAIL FROM:<" + ALICE + "> REQUIRETLS\nQUIT\n");
        assertTrue(!may.out().contains("250-REQUIRETLS") && may.out().contains("555 5.5.4 unsupported MAIL parameter: REQUIRETLS"),
                may::toString);
        // TLS-Required: No (RFC 8689 §5) goes even to the self-signed smarthost, under verify
        transport("transport smtp://127.0.0.1:" + self + "\nsmtp_ca_file " + ca.caCert());
        sendAndFlush(utf8("From: <" + ALICE + ">\nTo: <bob@example.net>\nSubject: tls optional\nTLS-Required: No\n"
                + "Message-ID: <tlsno@client.test>\nDate: Thu, 01 Jan 2026 12:00:00 +0000\n\nbody\n"), "bob@example.net");
        List<PrivatePostfix.Delivered> got = awaitDelivered(1);
        assertTrue(new String(got.get(0).original(), StandardCharsets.UTF_8).contains("Subject: tls optional"),
                this::diagnostics);
    }

    @Test
    void sshsendmailWithRequireTlsBouncesWhatNoHopCanCarryThatWay() {
        w.clientConfig("background no\nrequire_tls yes\n");
        // the relay offers REQUIRETLS (verify), the Postfix smarthost does not: the relay refuses
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        sendAndFlush(World.message(ALICE, "bob@example.net", "requiretls via relay"), "bob@example.net");
        assertTrue(w.clientLog().lines().anyMatch(l -> l.contains("status=bounced") && l.contains("5.7.30")
                && l.contains("does not offer REQUIRETLS")), this::diagnostics);
        assertTrue(w.relayLog().contains("5.7.30"), this::diagnostics);
        // a relay that cannot promise it (smtp_tls may) does not offer it: sshsendmail refuses itself
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_tls may");
        String before = w.relayLog();
        sendAndFlush(World.message(ALICE, "carol@example.net", "requiretls refused here"), "carol@example.net");
        assertTrue(w.clientLog().lines().anyMatch(l -> l.contains("carol@example.net") && l.contains("status=bounced")
                && l.contains("5.7.30") && l.contains("the relay does not offer REQUIRETLS")), this::diagnostics);
        assertTrue(!w.relayLog().substring(before.length()).contains("carol@example.net"), "never handed over: "
                + diagnostics());
        w.sshsendmail(null, "-q"); // the DSNs, if the runs above did not take them already
        assertTrue(postfix.delivered().stream().noneMatch(d -> d.deliveredTo().endsWith("@example.net")),
                "nothing reached the smarthost without REQUIRETLS" + diagnostics());
    }

    @Test
    void aDkimSignatureStillVerifiesAfterTheSmarthost() throws IOException {
        transport("transport smtp://127.0.0.1:" + open + "\nsmtp_ca_file " + ca.caCert());
        Path key = w.dir.resolve("example.org.ed1.pem");
        w.clientConfig("dkim example.org ed1 " + key + "\n");
        Proc.Result g = w.sshsendmail(new byte[0], "--dkim-keygen", "example.org", "ed1", "ed25519");
        assertEquals(0, g.exit(), g::toString);
        Matcher m = Pattern.compile("(?m)^(\\S+) IN TXT (.*)$").matcher(g.out());
        assertTrue(m.find(), g.out());
        StringBuilder txt = new StringBuilder();
        Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(2));
        while (s.find()) {
            txt.append(s.group(1));
        }
        Path records = Files2.write(w.dir.resolve("records"), m.group(1) + "\t" + txt + "\n");
        w.clientConfig("background no\ndkim example.org ed1 " + key + "\n");
        sendAndFlush(utf8("From: alice@example.org\nTo: bob@example.net\nSubject: signed\n"
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nGrüße ✓\n.leading dot\n"),
                "bob@example.net");
        List<PrivatePostfix.Delivered> got = awaitDelivered(1);
        Path f = Files.write(w.dir.resolve("got.eml"), got.get(0).raw());
        Path script = w.dir.resolve("verify.py");
        try (InputStream in = SmarthostIT.class.getResourceAsStream("/dkim-verify.py")) {
            Files.write(script, in.readAllBytes());
        }
        Proc.Result v = w.run(List.of(DkimIT.PYTHON, script.toString(), f.toString(), records.toString()), new byte[0],
                Map.of(), Duration.ofSeconds(30));
        assertEquals("pass", v.out().strip(), () -> v + new String(got.get(0).raw(), StandardCharsets.UTF_8));
    }

    /** rsendmail doctor reaches each configured smarthost as a delivery would: TLS verified, AUTH accepted. */
    @Test
    void theDoctorReachesTheSmarthostAsADeliveryWould() {
        Path conf = Files2.write(w.dir.resolve("doctor.conf"), "sendmail /bin/cat\n"
                + "transport smtp://127.0.0.1:" + auth + "\nsmtp_ca_file " + ca.caCert()
                + "\nsmtp_auth PLAIN\nsmtp_user " + USER + "\nsmtp_secret_file " + secretFile() + "\n"
                + "[policy selfsigned]\ntransport smtp://127.0.0.1:" + self + "\n"
                + "[policy local]\ntransport sendmail\n");
        Proc.Result r = Proc.run(List.of(Dist.rsendmail().toString(), "doctor", "--config", conf.toString(), "--domain",
                "client.test", "--egress", "192.0.2.1", "--dns-server", "127.0.0.1:9"), null,
                java.time.Duration.ofSeconds(120), null, w.dir);
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("PASS  transport smtp://127.0.0.1:" + auth + " ")
                && l.contains("connected, TLS with a verified certificate, AUTH PLAIN as " + USER + " accepted")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("FAIL  transport smtp://127.0.0.1:" + self + " ")
                && l.contains("4.7.5")), r::toString);
        assertTrue(r.out().contains("fix: give smtp_ca_file the smarthost's CA"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("PASS  transport sendmail ")), r::toString);
    }
}
