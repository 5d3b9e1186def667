package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.ServeProcess;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sshsendmail doctor} against {@code rsendmail serve}: what it proves, what it finds wrong, and that it sends nothing. */
class DoctorIT {
    @TempDir
    Path dir;
    private Path key;
    private Path stranger;

    @BeforeEach
    void keys() {
        key = dir.resolve("id");
        stranger = dir.resolve("stranger");
        Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", stranger.toString());
        Files2.write(dir.resolve("authorized_keys"), "restrict,command=\"rsendmail --policy laptop\" "
                + Files2.read(Path.of(key + ".pub")));
    }

    private ServeProcess serve() {
        return new ServeProcess(dir, "authorized_keys " + dir.resolve("authorized_keys")
                + "\n[policy laptop]\nsenders @client.test\nrecipients @example.org\n");
    }

    private Path conf(String name, int port, Path identity, Path knownHosts, String extra) {
        return Files2.write(dir.resolve(name + ".conf"), "relay relay@127.0.0.1:" + port + "\nidentity " + identity
                + "\nknown_hosts " + knownHosts + "\nqueue " + dir.resolve("q") + "\ndomain client.test\nlog "
                + dir.resolve("client.log") + "\nbackground no\n" + extra);
    }

    /** As a user types it: {@code sshsendmail doctor ...} (the launcher makes it --doctor). */
    private Proc.Result doctor(Path conf, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Dist.home().resolve("bin/sshsendmail").toString(), "doctor", "-C",
                conf.toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, null, Duration.ofSeconds(60), Map.of(), dir);
    }

    private static String line(Proc.Result r, String verdict, String check) {
        return r.out().lines().filter(l -> l.startsWith(verdict + "  " + check)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + verdict + " " + check + " line in:\n" + r));
    }

    @Test
    void aGoodSetUpPassesEveryCheckAndSendsNothing() {
        try (ServeProcess serve = serve()) {
            Path conf = conf("good", serve.port, key, serve.knownHosts, "");
            Proc.Result r = doctor(conf, "-f", "alice@client.test", "bob@example.org");
            assertEquals(0, r.exit(), r::toString);
            line(r, "PASS", "config");
            line(r, "PASS", "files");
            line(r, "PASS", "relay relay@127.0.0.1:" + serve.port + ": reachable");
            line(r, "PASS", "relay relay@127.0.0.1:" + serve.port + ": host key");
            line(r, "PASS", "relay relay@127.0.0.1:" + serve.port + ": our key");
            assertTrue(line(r, "PASS", "relay relay@127.0.0.1:" + serve.port + ": policy")
                    .contains("sender <alice@client.test> and 1 recipient(s) accepted"), r::toString);
            assertTrue(r.out().contains("all 6 checks passed"), r::toString);
            // the default sender: the queue owner at the configured domain; recipient: itself
            Proc.Result d = doctor(conf);
            assertEquals(1, d.exit(), d::toString); // root@client.test is no recipient of @example.org
            assertTrue(line(d, "FAIL", "relay relay@127.0.0.1:" + serve.port + ": policy")
                    .contains("recipient refused: <" + System.getProperty("user.name") + "@client.test> 5"), d::toString);
            assertEquals(List.of(), serve.mta.completed(), "doctor handed nothing over");
            assertTrue(serve.log().contains("policy=laptop mode=lmtp"), serve::log);
        }
    }

    @Test
    void aSenderOutsideThePolicyFailsWithTheRelaysReply() {
        try (ServeProcess serve = serve()) {
            Proc.Result r = doctor(conf("c", serve.port, key, serve.knownHosts, ""), "-f", "mallory@elsewhere.test",
                    "bob@example.org");
            assertEquals(1, r.exit(), r::toString);
            String l = line(r, "FAIL", "relay relay@127.0.0.1:" + serve.port + ": policy");
            assertTrue(l.contains("sender <mallory@elsewhere.test> refused: 5"), l);
            assertTrue(r.out().contains("fix: allow it in the key's policy on the relay"), r::toString);
            assertEquals(List.of(), serve.mta.completed());
        }
    }

    @Test
    void anUnknownHostKeyAndAnUnknownClientKeyEachFailWithTheirFix() {
        try (ServeProcess serve = serve()) {
            Path otherHosts = Files2.write(dir.resolve("other_known_hosts"), "[127.0.0.1]:" + serve.port + " "
                    + Files2.read(Path.of(stranger + ".pub")));
            Proc.Result h = doctor(conf("h", serve.port, key, otherHosts, ""));
            assertEquals(1, h.exit(), h::toString);
            line(h, "FAIL", "relay relay@127.0.0.1:" + serve.port + ": host key");
            assertTrue(h.out().contains("fix: on the relay, compare the fingerprint"), h::toString);
            assertFalse(h.out().contains(": our key"), h::toString);

            Proc.Result k = doctor(conf("k", serve.port, stranger, serve.knownHosts, ""));
            assertEquals(1, k.exit(), k::toString);
            line(k, "PASS", "relay relay@127.0.0.1:" + serve.port + ": reachable");
            line(k, "FAIL", "relay relay@127.0.0.1:" + serve.port + ": our key");
            String pub = Files2.read(Path.of(stranger + ".pub")).strip();
            String keyPart = pub.substring(0, pub.lastIndexOf(' ')); // without the comment
            assertTrue(k.out().contains("restrict,command=\"rsendmail --policy NAME\" " + keyPart), k::toString);
        }
    }

    @Test
    void aRelayNobodyListensOnAndABrokenConfigFail() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Files2.write(dir.resolve("kh"), "");
        Proc.Result r = doctor(conf("closed", closed, key, dir.resolve("kh"), ""), "--json");
        assertEquals(1, r.exit(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.stream().allMatch(l -> l.startsWith("{\"verdict\":\"")), r::toString);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("{\"verdict\":\"FAIL\",\"check\":\"relay relay@127.0.0.1:"
                + closed + ": reachable\"") && l.contains("refused the connection")), r::toString);
        // every line is JSON a real parser reads
        Proc.Result parsed = Proc.run(List.of("python3", "-c", "import json,sys\nfor l in sys.stdin: json.loads(l)\nprint('ok')"),
                r.out().getBytes(java.nio.charset.StandardCharsets.UTF_8), Duration.ofSeconds(30), Map.of(), dir);
        assertEquals("ok", parsed.out().strip(), parsed::toString);

        Proc.Result bad = doctor(conf("bad", closed, key, dir.resolve("kh"), "retry_min soon\n"));
        assertEquals(1, bad.exit(), bad::toString);
        assertTrue(line(bad, "FAIL", "config").contains("retry_min"), bad::toString);

        Proc.Result noKey = doctor(conf("nokey", closed, dir.resolve("missing"), dir.resolve("kh"), ""));
        assertEquals(1, noKey.exit(), noKey::toString);
        line(noKey, "FAIL", "identity");
        assertTrue(noKey.out().contains("fix: make a key: ssh-keygen -t ed25519"), noKey::toString);
    }

    /** The DNS record of the key in {@code conf}'s dkim line for client.test SELECTOR, as zone-file strings. */
    private String published(Path conf, String selector) {
        Proc.Result r = Proc.run(List.of(Dist.home().resolve("bin/sshsendmail").toString(), "-C", conf.toString(),
                "--dkim-record", "client.test", selector), null, Duration.ofSeconds(60), Map.of(), dir);
        assertEquals(0, r.exit(), r::toString);
        String out = r.out().strip();
        return out.substring(out.indexOf("TXT") + 4).replace("(", "").replace(")", "").strip();
    }

    @Test
    void dkimRecordsSpfAndDmarcAreCheckedInTheConfiguredDns() {
        Path mail = dir.resolve("mail.pem");
        Path other = dir.resolve("other.pem");
        Path unpublished = dir.resolve("unpublished.pem");
        for (Path k : List.of(mail, other, unpublished)) {
            Proc.check(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", k.toString());
            Proc.check(dir, "chmod", "600", k.toString());
        }
        String keys = "dkim client.test mail " + mail + "\ndkim client.test other " + other + "\n";
        Path keyConf = conf("keys", 1, key, dir.resolve("none"), keys + "dkim client.test wrong " + unpublished + "\n");
        String zone = String.join("\n",
                "@ TXT \"v=spf1 ip4:192.0.2.1 -all\"",
                "_dmarc TXT \"v=DMARC1; p=none\"",
                "mail._domainkey TXT " + published(keyConf, "mail"),
                "wrong._domainkey TXT " + published(keyConf, "other"));
        try (net.rsendmail.it.PrivateKnot knot = new net.rsendmail.it.PrivateKnot(dir.resolve("knot"),
                new net.rsendmail.it.PrivateKnot.Zone("client.test", zone, net.rsendmail.it.PrivateKnot.Zone.Kind.SIGNED));
             ServeProcess serve = serve()) {
            String dns = "dns_servers " + knot.server() + "\ndns_trust_anchor " + knot.trustAnchor + "\n";
            Path conf = conf("dns", serve.port, key, serve.knownHosts, dns + keys
                    + "dkim client.test wrong " + unpublished + "\n");
            Proc.Result r = doctor(conf, "--egress", "192.0.2.1", "--egress", "192.0.2.7", "-f", "alice@client.test",
                    "bob@example.org");
            assertEquals(1, r.exit(), r::toString);
            assertTrue(line(r, "PASS", "dkim client.test mail").contains("published at mail._domainkey.client.test"),
                    r::toString);
            line(r, "FAIL", "dkim client.test other"); // no record at all
            assertTrue(line(r, "FAIL", "dkim client.test wrong").contains("publishes another key"), r::toString);
            assertTrue(r.out().contains("fix: wrong._domainkey.client.test. IN TXT"), r::toString);
            assertTrue(line(r, "PASS", "spf client.test 192.0.2.1").contains("pass"), r::toString);
            assertTrue(line(r, "FAIL", "spf client.test 192.0.2.7").contains("fail"), r::toString);
            assertTrue(r.out().contains("fix: client.test. IN TXT \"v=spf1 ip4:192.0.2.7 ip4:192.0.2.1 -all\""), r::toString);
            assertTrue(line(r, "WARN", "dmarc client.test").contains("p=none"), r::toString);
            line(r, "PASS", "relay relay@127.0.0.1:" + serve.port + ": policy");
            assertEquals(List.of(), serve.mta.completed());
        }
    }
}
