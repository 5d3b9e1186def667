package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rsendmail serve} against the real OpenSSH client: a message goes through the one
 * acceptance path to the MTA; every non-rsendmail request is refused with a line to the client
 * and a log line, nothing is handed over, and the server goes on serving. User and host
 * certificates are made by {@code ssh-keygen -s}; serve's host key is certified by the fleet CA.
 */
class ServeIT {
    private static final String MESSAGE = "From: alice@example.org\nTo: bob@example.org\nSubject: serve\n\nhello\n";

    @TempDir
    Path dir;
    private ServeProcess serve;
    private RecordingSendmail mta;
    private int port;

    record Result(int code, String out, String err) {
    }

    @BeforeEach
    void start() throws Exception {
        for (String k : List.of("laptop", "stranger", "elsewhere", "old", "spare", "fleet", "ca", "otherca", "host_key")) {
            run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve(k).toString()), "");
        }
        // the host key is certified by the fleet CA: sshsendmail trusts it through @cert-authority
        run(List.of("ssh-keygen", "-q", "-s", dir.resolve("ca").toString(), "-h", "-I", "relay-host", "-n", "127.0.0.1",
                dir.resolve("host_key.pub").toString()), "");
        Files.writeString(dir.resolve("authorized_keys"),
                "restrict,command=\"/opt/rsendmail/bin/rsendmail --policy demo\" " + pub("laptop")
                + "from=\"10.0.0.0/8\" " + pub("elsewhere")
                + "expiry-time=\"20200101Z\" " + pub("old")
                + "command=\"rsendmail --policy demo\" " + pub("spare")
                + "restrict,cert-authority,principals=\"laptop-1,laptop-2,build-1,kiosk-1\" " + pub("ca"));
        Files.writeString(dir.resolve("revoked_keys"), "# nothing yet\n");
        serve = new ServeProcess(dir, "host_certificate " + dir.resolve("host_key-cert.pub")
                + "\nauthorized_keys " + dir.resolve("authorized_keys")
                + "\nrevoked_keys " + dir.resolve("revoked_keys")
                + "\nprincipal_policy laptop-* demo\nprincipal_policy build-* builds"
                + "\n[policy demo]\nsenders alice@example.org\nrecipients @example.org\n"
                + "[policy builds]\nsenders build@example.org\nrecipients @example.org\n");
        mta = serve.mta;
        port = serve.port;
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("host_key"))));
    }

    @AfterEach
    void stop() throws Exception {
        serve.close();
    }

    private String pub(String key) throws IOException {
        return Files.readString(dir.resolve(key + ".pub"));
    }

    private String logText() {
        return serve.log();
    }

    private Result run(List<String> cmd, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "still running: " + cmd);
        return new Result(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    private List<String> ssh(String key, String... more) {
        return serve.ssh(dir.resolve(key), more);
    }

    private void sends() throws Exception {
        int before = mta.completed().size();
        List<String> c = ssh("laptop", "-T", "relay@127.0.0.1", "rsendmail", "-f", "alice@example.org", "--", "bob@example.org");
        Result r = run(c, MESSAGE);
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out() + r.err());
        assertEquals(before + 1, mta.completed().size());
        assertTrue(mta.completed().get(before).text().contains("hello"));
    }

    /** The request is refused, the client told, a log line written, nothing handed over; others still served. */
    private void refused(Result r, String toClient, String inLog) throws Exception {
        assertTrue(r.code() != 0, "exit 0 for a refused request");
        assertTrue(r.err().contains(toClient), "client saw: " + r.err());
        Wait.until(() -> logText().contains(inLog), Duration.ofSeconds(10), () -> "no '" + inLog + "' in " + logText());
        assertEquals(0, mta.completed().size(), "handed over");
        sends();
        mta.clear();
    }

    /** {@code ssh-keygen -s CA} signs {@code fleet.pub} with these options; returns the certificate file. */
    private Path certify(String ca, String... options) throws Exception {
        List<String> c = new ArrayList<>(List.of("ssh-keygen", "-q", "-s", dir.resolve(ca).toString()));
        c.addAll(List.of(options));
        c.add(dir.resolve("fleet.pub").toString());
        Result r = run(c, "");
        assertEquals(0, r.code(), r.err());
        return dir.resolve("fleet-cert.pub");
    }

    /** The OpenSSH client logging in with fleet's key and {@code cert}, sending one message from {@code sender}. */
    private Result sendsWithCertificate(Path cert, String sender) throws Exception {
        return run(ssh("fleet", "-o", "CertificateFile=" + cert, "-T", "relay@127.0.0.1", "rsendmail", "-f", sender, "--",
                "bob@example.org"), MESSAGE.replace("alice@example.org", sender));
    }

    private String sessionLines() {
        return String.join("\n", logText().lines().filter(l -> l.contains("session remote=")).toList());
    }

    @Test
    void aCertificateLogsInAndItsPrincipalSelectsThePolicy() throws Exception {
        Result r = sendsWithCertificate(certify("ca", "-I", "laptop-1@fleet", "-n", "laptop-1", "-z", "7", "-V", "-5m:+1h"),
                "alice@example.org");
        assertEquals(0, r.code(), r.err() + logText());
        assertEquals(1, mta.completed().size());
        Pattern line = Pattern.compile("session remote=127\\.0\\.0\\.1:\\d+ user=relay key=SHA256:\\S+ cert_id=laptop-1@fleet"
                + " serial=7 ca=SHA256:\\S+ policy=demo .*exit 0");
        Wait.until(() -> line.matcher(logText()).find(), Duration.ofSeconds(10), this::sessionLines);
        // source-address that includes the client, force-command naming the policy the principal maps to
        r = sendsWithCertificate(certify("ca", "-I", "build-1", "-n", "build-1", "-O", "source-address=10.0.0.0/8,127.0.0.0/8",
                "-O", "force-command=/usr/bin/rsendmail --policy builds"), "build@example.org");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, mta.completed().size());
        Wait.until(() -> logText().contains("cert_id=build-1 serial=0"), Duration.ofSeconds(10), this::sessionLines);
        assertTrue(logText().contains("policy=builds mode=plain"), logText());
    }

    @Test
    void certificatesTheRulesDoNotAdmitAreRefused() throws Exception {
        refused(sendsWithCertificate(certify("ca", "-I", "k", "-n", "kiosk-1"), "alice@example.org"), "Permission denied",
                "no policy for principal(s) kiosk-1");
        refused(sendsWithCertificate(certify("ca", "-I", "s", "-n", "stranger-1"), "alice@example.org"), "Permission denied",
                "certificate principals stranger-1 not in principals=\"laptop-1,laptop-2,build-1,kiosk-1\" (line 5)");
        refused(sendsWithCertificate(certify("ca", "-I", "old", "-n", "laptop-1", "-V", "20200101:20200102"), "alice@example.org"),
                "Permission denied", "certificate expired at 2020-01-02");
        refused(sendsWithCertificate(certify("ca", "-I", "soon", "-n", "laptop-1", "-V", "+1d:+2d"), "alice@example.org"),
                "Permission denied", "certificate not valid before");
        refused(sendsWithCertificate(certify("otherca", "-I", "x", "-n", "laptop-1"), "alice@example.org"), "Permission denied",
                "which no cert-authority line of authorized_keys lists");
        refused(sendsWithCertificate(certify("ca", "-I", "far", "-n", "laptop-1", "-O", "source-address=10.0.0.0/8"),
                "alice@example.org"), "Permission denied", "address 127.0.0.1 not in the certificate's source-address 10.0.0.0/8");
        refused(sendsWithCertificate(certify("ca", "-I", "f", "-n", "laptop-1", "-O", "force-command=rsendmail --policy builds"),
                "alice@example.org"), "Permission denied", "policies disagree: force-command names builds, principal_policy laptop-*"
                + " (principal laptop-1) names demo");
        refused(sendsWithCertificate(certify("ca", "-I", "sh", "-n", "laptop-1", "-O", "force-command=/bin/sh"),
                "alice@example.org"), "Permission denied", "force-command: command not allowed");
        refused(sendsWithCertificate(certify("ca", "-I", "u", "-n", "laptop-1", "-O", "critical:made-up@example.org=x"),
                "alice@example.org"), "Permission denied", "certificate critical option 'made-up@example.org' is not supported");
        assertTrue(sessionLines().contains("cert_id=far serial=0 ca=SHA256:"), sessionLines());
    }

    @Test
    void revokedKeysSerialsAndCasAreRefusedAndTheFileIsReread() throws Exception {
        Path cert = certify("ca", "-I", "r", "-n", "laptop-2", "-z", "99");
        assertEquals(0, sendsWithCertificate(cert, "alice@example.org").code());
        mta.clear();
        Files.writeString(dir.resolve("revoked_keys"), "serial 90-100\n" + pub("spare"));
        refused(sendsWithCertificate(cert, "alice@example.org"), "Permission denied", "certificate serial 99 is revoked");
        refused(run(ssh("spare", "-T", "relay@127.0.0.1", "rsendmail", "--version"), ""), "Permission denied",
                "key " + fingerprint("spare") + " is revoked");
        Files.writeString(dir.resolve("revoked_keys"), pub("ca"));
        refused(sendsWithCertificate(certify("ca", "-I", "r2", "-n", "laptop-2", "-z", "5"), "alice@example.org"),
                "Permission denied", "certificate signed by revoked CA key");
        Files.writeString(dir.resolve("revoked_keys"), "serial twelve\n");
        Result r = run(ssh("laptop", "-T", "relay@127.0.0.1", "rsendmail", "--version"), "");
        assertTrue(r.err().contains("Permission denied"), r.err());
        Wait.until(() -> logText().contains(dir.resolve("revoked_keys") + ":1: serial: expected a decimal number"),
                Duration.ofSeconds(10), this::logText);
        assertEquals(0, mta.completed().size());
    }

    private String fingerprint(String key) throws Exception {
        return run(List.of("ssh-keygen", "-l", "-f", dir.resolve(key + ".pub").toString()), "").out().split(" ")[1];
    }

    /** sshsendmail presents its certificate and trusts serve's certified host key through @cert-authority. */
    @Test
    void sshsendmailDeliversWithACertificateToACertifiedServe() throws Exception {
        Path cert = certify("ca", "-I", "laptop-2@fleet", "-n", "laptop-2", "-z", "3");
        Files.writeString(dir.resolve("ca_known_hosts"), "@cert-authority [127.0.0.*]:" + port + " " + pub("ca"));
        Path queue = dir.resolve("queue");
        Path conf = dir.resolve("sshsendmail.conf");
        Files.writeString(conf, "relay relay@127.0.0.1:" + port + "\nidentity " + dir.resolve("fleet")
                + "\ncertificate " + cert + "\nknown_hosts " + dir.resolve("ca_known_hosts") + "\nqueue " + queue
                + "\nlog " + dir.resolve("client.log") + "\nbackground no\nbatch no\n");
        Result queued = run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-f", "alice@example.org",
                "bob@example.org"), MESSAGE);
        assertEquals(0, queued.code(), queued.err());
        Result q = run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-q"), "");
        assertEquals(0, q.code(), q.err() + Files2.read(dir.resolve("client.log")));
        assertEquals(1, mta.completed().size(), Files2.read(dir.resolve("client.log")));
        Wait.until(() -> logText().contains("cert_id=laptop-2@fleet serial=3"), Duration.ofSeconds(10), this::sessionLines);
        // an expired certificate is not offered, and the log says so; a renewed one is read at the next connection
        // (-q flushes the deferred message)
        certify("ca", "-I", "laptop-2@fleet", "-n", "laptop-2", "-V", "20200101:20200102");
        run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-f", "alice@example.org", "bob@example.org"), MESSAGE);
        run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-q"), "");
        assertEquals(1, mta.completed().size());
        assertTrue(Files2.read(dir.resolve("client.log")).contains("with certificate " + cert + ", which is expired at 2020-01-02"),
                Files2.read(dir.resolve("client.log")));
        certify("ca", "-I", "laptop-2@fleet", "-n", "laptop-2", "-z", "4");
        assertEquals(0, run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-q"), "").code());
        assertEquals(2, mta.completed().size(), Files2.read(dir.resolve("client.log")));
        // without the CA line, the certified host key is checked as a plain key: unknown, the mail stays queued
        Files.writeString(dir.resolve("ca_known_hosts"), "@cert-authority *.example.org " + pub("ca"));
        run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-f", "alice@example.org", "bob@example.org"), MESSAGE);
        run(List.of(Dist.sshsendmail().toString(), "-C", conf.toString(), "-q"), "");
        assertEquals(2, mta.completed().size());
        assertTrue(Files2.read(dir.resolve("client.log")).contains("which no @cert-authority line of "
                + dir.resolve("ca_known_hosts") + " trusts for it"), Files2.read(dir.resolve("client.log")));
    }

    @Test
    void aMessageGoesThroughTheOneAcceptancePath() throws Exception {
        sends();
        assertTrue(logText().contains("policy=demo mode=plain"), logText());
        Pattern line = Pattern.compile("session remote=127\\.0\\.0\\.1:\\d+ user=relay key=SHA256:\\S+ policy=demo .*exit 0");
        Wait.until(() -> line.matcher(logText()).find(), Duration.ofSeconds(10), this::logText);
    }

    @Test
    void lmtpRunsInProcess() throws Exception {
        String session = "LHLO laptop\r\nMAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\n"
                + MESSAGE.replace("\n", "\r\n") + ".\r\nQUIT\r\n";
        Result r = run(ssh("laptop", "-T", "relay@127.0.0.1", "rsendmail", "--lmtp"), session);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("250 2.1.5") || r.out().contains("250"), r.out());
        assertEquals(1, mta.completed().size());
    }

    @Test
    void aShellCommandIsRefusedByTheGrammar() throws Exception {
        refused(run(ssh("laptop", "-T", "relay@127.0.0.1", "sh", "-c", "id"), ""), "command not allowed: sh",
                "exit 64");
    }

    @Test
    void aPtyIsRefused() throws Exception {
        refused(run(ssh("laptop", "-tt", "relay@127.0.0.1", "rsendmail", "-f", "alice@example.org", "--", "bob@example.org"),
                MESSAGE), "'pty-req' refused", "'pty-req' refused");
    }

    @Test
    void aShellRequestIsRefused() throws Exception {
        refused(run(ssh("laptop", "-T", "relay@127.0.0.1"), ""), "'shell' refused", "'shell' refused");
    }

    @Test
    void agentAndX11ForwardingAreRefused() throws Exception {
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.out").toFile()).start();
        try {
            Wait.until(() -> Files.exists(sock), Duration.ofSeconds(10), () -> "ssh-agent did not start");
            List<String> a = ssh("laptop", "-T", "-A", "relay@127.0.0.1", "rsendmail", "--version");
            a.addAll(1, List.of("-o", "IdentityAgent=" + sock)); // the first value given wins (ssh_config(5))
            refused(run(a, ""), "'auth-agent-req@openssh.com' refused", "'auth-agent-req@openssh.com' refused");
        } finally {
            agent.destroy();
            assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        }
        List<String> x = ssh("laptop", "-T", "-X", "relay@127.0.0.1", "rsendmail", "--version");
        x.add(0, "DISPLAY=:0");
        x.add(0, "env");
        refused(run(x, ""), "'x11-req' refused", "'x11-req' refused");
    }

    @Test
    void remoteForwardingIsRefused() throws Exception {
        refused(run(ssh("laptop", "-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9", "relay@127.0.0.1"), ""),
                "'tcpip-forward' refused", "'tcpip-forward' refused");
    }

    @Test
    void sftpAndScpAreRefused() throws Exception {
        List<String> sftp = new ArrayList<>(ssh("laptop"));
        sftp.set(0, "sftp");
        sftp.set(sftp.indexOf("-p"), "-P");
        sftp.add("relay@127.0.0.1");
        refused(run(sftp, ""), "'subsystem' refused", "'subsystem' refused");
        Files.writeString(dir.resolve("file"), "x");
        List<String> scp = new ArrayList<>(sftp.subList(0, sftp.size() - 1));
        scp.set(0, "scp");
        scp.add("-O");
        scp.add(dir.resolve("file").toString());
        scp.add("relay@127.0.0.1:/tmp/x");
        refused(run(scp, ""), "command not allowed: scp", "command not allowed: scp");
    }

    @Test
    void unknownKeysPasswordsAndKeyOptionsAreEnforced() throws Exception {
        refused(run(ssh("stranger", "-T", "relay@127.0.0.1", "rsendmail", "--version"), ""), "Permission denied (publickey)",
                "not authenticated");
        refused(run(ssh("laptop", "-T", "-o", "PreferredAuthentications=password,keyboard-interactive",
                "relay@127.0.0.1", "rsendmail", "--version"), ""), "Permission denied (publickey)", "user=- key=-");
        refused(run(ssh("elsewhere", "-T", "relay@127.0.0.1", "rsendmail", "--version"), ""), "Permission denied",
                "not in from=\"10.0.0.0/8\"");
        refused(run(ssh("old", "-T", "relay@127.0.0.1", "rsendmail", "--version"), ""), "Permission denied",
                "key expired at 2020-01-01T00:00:00Z");
    }

    @Test
    void anUnsupportedOptionRefusesItsLineAndAChangedFileIsReread() throws Exception {
        Files.writeString(dir.resolve("authorized_keys"), "permitopen=\"x:1\" " + pub("laptop") + "command=\"rsendmail --policy demo\" " + pub("stranger"));
        Files.setLastModifiedTime(dir.resolve("authorized_keys"), java.nio.file.attribute.FileTime.fromMillis(0));
        Result r = run(ssh("laptop", "-T", "relay@127.0.0.1", "rsendmail", "--version"), "");
        assertTrue(r.err().contains("Permission denied"), r.err());
        assertTrue(logText().contains("line 1 refused: option 'permitopen' is not supported"), logText());
        Result s = run(ssh("stranger", "-T", "relay@127.0.0.1", "rsendmail", "-f", "alice@example.org", "--", "bob@example.org"), MESSAGE);
        assertEquals(0, s.code(), s.err());
        assertEquals(1, mta.completed().size());
    }

    /** Starts {@code ssh -N} with a local forwarding, uses it once, and returns what ssh said when serve ended it. */
    private Result forwardingAttempt(List<String> cmd, int localPort, SocketUse use) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SSH_AUTH_SOCK");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        Process p = pb.start();
        try {
            // the first connection that ssh accepts makes it open the channel
            Wait.until(() -> {
                try (java.net.Socket s = new java.net.Socket("127.0.0.1", localPort)) {
                    use.accept(s);
                    return true;
                } catch (IOException e) {
                    return !p.isAlive();
                }
            }, Duration.ofSeconds(30), () -> "ssh did not listen on " + localPort + ": " + Files2.read(dir.resolve("err")));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ssh still running after its forwarding was refused");
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        return new Result(p.exitValue(), Files.readString(dir.resolve("out")), Files.readString(dir.resolve("err")));
    }

    @FunctionalInterface
    private interface SocketUse {
        void accept(java.net.Socket s) throws IOException;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void localForwardingIsRefused() throws Exception {
        int local = freePort();
        Result r = forwardingAttempt(ssh("laptop", "-N", "-o", "ExitOnForwardFailure=yes", "-L",
                "127.0.0.1:" + local + ":127.0.0.1:9", "relay@127.0.0.1"), local, s -> s.getInputStream().read());
        refused(r, "channel 'direct-tcpip' refused", "channel 'direct-tcpip' refused");
    }

    @Test
    void dynamicForwardingIsRefused() throws Exception {
        int local = freePort();
        Result r = forwardingAttempt(ssh("laptop", "-N", "-o", "ExitOnForwardFailure=yes", "-D",
                "127.0.0.1:" + local, "relay@127.0.0.1"), local, s -> {
                    // SOCKS5: no authentication, then CONNECT 127.0.0.1:9
                    s.getOutputStream().write(new byte[] {5, 1, 0});
                    s.getInputStream().readNBytes(2);
                    s.getOutputStream().write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, 0, 9});
                    s.getInputStream().read();
                });
        refused(r, "channel 'direct-tcpip' refused", "channel 'direct-tcpip' refused");
    }

    @Test
    void swaksSpeaksLmtpThroughServe() throws Exception {
        // swaks ends the data with its own line end before the dot
        Path data = dir.resolve("swaks.eml");
        Files.writeString(data, MESSAGE.substring(0, MESSAGE.length() - 1));
        List<String> ssh = ssh("laptop", "-T", "relay@127.0.0.1");
        ssh.add("rsendmail --lmtp");
        String pipe = String.join(" ", ssh.stream().map(Files2::shQuote).toList());
        Result r = run(List.of("swaks", "--protocol", "LMTP", "--pipe", pipe, "--helo", "laptop.example.org",
                "--from", "alice@example.org", "--to", "bob@example.org,carol@example.org", "--data", data.toString()), "");
        assertEquals(0, r.code(), r.out() + r.err());
        assertEquals(1, mta.completed().size(), r.out());
        RecordingSendmail.Call call = mta.completed().get(0);
        assertEquals(List.of("-oi", "-f", "alice@example.org", "--", "bob@example.org", "carol@example.org"), call.argv());
        assertEquals(MESSAGE, call.text());
        assertTrue(logText().contains("policy=demo mode=lmtp"), logText());
    }
}
