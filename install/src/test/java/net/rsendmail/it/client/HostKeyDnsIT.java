package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateKnot;
import net.rsendmail.it.PrivateKnot.Zone;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.ServeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * host_key_dns yes: sshsendmail to {@code rsendmail serve} with an empty known_hosts, the relay's
 * host key vouched for (or not) by SSHFP records that knotd serves. The relay's names resolve to
 * 127.0.0.1 through a hosts file given to sshsendmail's JVM (jdk.net.hosts.file).
 */
class HostKeyDnsIT {
    static Path dir;
    static ServeProcess serve;
    static PrivateKnot knot;
    static Path key;
    static Path hosts;

    /** {@code ssh-keygen -r NAME} for {@code pub}, as zone lines for {@code label}. */
    static String sshfp(String name, String label, Path pub) {
        StringBuilder b = new StringBuilder();
        for (String line : Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-r", name, "-f", pub.toString()).out().split("\n")) {
            b.append(line.replaceFirst("^" + java.util.regex.Pattern.quote(name) + " ", label + " ")).append('\n');
        }
        return b.toString();
    }

    @BeforeAll
    static void start() {
        dir = Files2.tempDir("host-key-dns-it");
        key = dir.resolve("id");
        Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        Files2.write(dir.resolve("authorized_keys"), "restrict,command=\"rsendmail --policy laptop\" "
                + Files2.read(Path.of(key + ".pub")));
        serve = new ServeProcess(dir, "authorized_keys " + dir.resolve("authorized_keys")
                + "\n[policy laptop]\nsenders @client.test\nheader_from_match yes\n");
        Path hostPub = dir.resolve("host_key.pub");
        Path other = dir.resolve("other_host_key");
        Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", other.toString());
        knot = new PrivateKnot(dir.resolve("knot"),
                new Zone("signed.test", sshfp("relay.signed.test", "relay", hostPub)
                        + sshfp("wrong.signed.test", "wrong", Path.of(other + ".pub")) + "bare TXT \"no SSHFP here\"\n",
                        Zone.Kind.SIGNED),
                new Zone("unsigned.test", sshfp("relay.unsigned.test", "relay", hostPub), Zone.Kind.UNSIGNED));
        hosts = Files2.write(dir.resolve("hosts"), "127.0.0.1 relay.signed.test wrong.signed.test bare.signed.test"
                + " relay.unsigned.test\n");
    }

    @AfterAll
    static void stop() {
        if (serve != null) {
            serve.close();
        }
        if (knot != null) {
            knot.close();
        }
        if (!Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(dir);
        }
    }

    /** What one configuration did with one message: the queue run, the queue after it, the client's log. */
    record Run(Proc.Result flush, String queue, String log) {
    }

    static Run deliver(String name, String relayHost, String knownHosts) {
        return deliver(name, relayHost, knownHosts, knot.trustAnchor);
    }

    static Run deliver(String name, String relayHost, String knownHosts, Path trustAnchor) {
        Path conf = Files2.write(dir.resolve(name + ".conf"), "relay relay@" + relayHost + ":" + serve.port
                + "\nidentity " + key + "\nknown_hosts " + Files2.write(dir.resolve(name + ".known_hosts"), knownHosts)
                + "\nqueue " + dir.resolve("q-" + name) + "\ndomain client.test\nlog " + dir.resolve(name + ".log")
                + "\nbackground no\nhost_key_dns yes\ndns_servers " + knot.server() + "\ndns_timeout 3s\n"
                + "dns_trust_anchor " + trustAnchor + "\n");
        byte[] m = ("From: alice@client.test\nTo: bob@example.org\nSubject: " + name + "\n\nhi\n")
                .getBytes(StandardCharsets.UTF_8);
        Proc.Result queued = sshsendmail(conf, m, "-t", "-i");
        assertEquals(0, queued.exit(), queued::toString);
        Proc.Result flush = sshsendmail(conf, null, "-q");
        return new Run(flush, sshsendmail(conf, null, "-bp").out(), Files2.read(dir.resolve(name + ".log")));
    }

    static Proc.Result sshsendmail(Path conf, byte[] stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Dist.home().resolve("bin/sshsendmail").toString(), "-C",
                conf.toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, stdin, Duration.ofSeconds(60), Map.of("SSHSENDMAIL_JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts),
                dir);
    }

    static boolean handedOn(String subject) {
        return serve.mta.completed().stream().anyMatch(c -> c.text().contains("\nSubject: " + subject + "\n"));
    }

    @Test
    void aKeyMatchingSignedSshfpIsAcceptedWithoutKnownHosts() {
        Run r = deliver("signed", "relay.signed.test", "");
        assertEquals(0, r.flush().exit(), r.flush() + "\n" + r.log() + "\n" + knot.log());
        assertTrue(r.queue().contains("Mail queue is empty"), r.queue());
        assertTrue(handedOn("signed"), serve::log);
        assertTrue(r.log().contains("host key SHA256:") && r.log().contains(" of relay [relay.signed.test]:" + serve.port
                + " accepted (host_key_dns): it matches the DNSSEC-validated record relay.signed.test IN SSHFP 4 "), r.log());
    }

    @Test
    void aKeyOtherThanTheSignedSshfpIsRefusedAndTheMailStaysQueued() {
        Run r = deliver("wrong", "wrong.signed.test", "");
        assertEquals(75, r.flush().exit(), r.flush()::toString);
        assertFalse(r.queue().contains("Mail queue is empty"), r.queue());
        assertFalse(handedOn("wrong"));
        assertTrue(r.log().contains(" of relay [wrong.signed.test]:" + serve.port + " refused (host_key_dns): it matches"
                + " none of the 2 DNSSEC-signed SSHFP record(s) of wrong.signed.test for its algorithm (ssh-ed25519)"),
                r.log());
        assertTrue(r.log().contains("status=deferred"), r.log());
    }

    @Test
    void aMatchingKeyInAnUnsignedZoneIsRefused() {
        Run r = deliver("unsigned", "relay.unsigned.test", "");
        assertEquals(75, r.flush().exit(), r.flush()::toString);
        assertFalse(r.queue().contains("Mail queue is empty"), r.queue());
        assertFalse(handedOn("unsigned"));
        assertTrue(r.log().contains("refused (host_key_dns): the SSHFP records of relay.unsigned.test are not"
                + " DNSSEC-signed (an insecure answer is never trusted)"), r.log());
    }

    @Test
    void knownHostsWinsOverAMatchingSignedSshfp() {
        String otherKey = Files2.read(dir.resolve("other_host_key.pub")).strip();
        Run r = deliver("changed", "relay.signed.test", "[relay.signed.test]:" + serve.port + " " + otherKey + "\n");
        assertEquals(75, r.flush().exit(), r.flush()::toString);
        assertFalse(handedOn("changed"));
        assertTrue(r.log().contains("HOST KEY OF RELAY [relay.signed.test]:" + serve.port + " HAS CHANGED"), r.log());
        assertFalse(r.log().contains("host_key_dns"), r.log());
    }

    @Test
    void noSshfpRecordOrABogusAnswerIsRefused() {
        Run none = deliver("bare", "bare.signed.test", "");
        assertEquals(75, none.flush().exit(), none.flush()::toString);
        assertFalse(handedOn("bare"));
        assertTrue(none.log().contains("refused (host_key_dns): bare.signed.test has no SSHFP record"), none.log());
        // the right records, but a trust anchor for another key: the signatures cannot be trusted
        Path wrong = knot.wrongTrustAnchor(dir.resolve("wrong-anchor.ds"));
        Run bogus = deliver("bogus", "relay.signed.test", "", wrong);
        assertEquals(75, bogus.flush().exit(), bogus.flush()::toString);
        assertFalse(handedOn("bogus"));
        assertTrue(bogus.log().contains("refused (host_key_dns): SSHFP relay.signed.test: DNSSEC validation failed: "),
                bogus.log());
        assertTrue(bogus.log().contains("(possible attack: the answer is not trusted)"), bogus.log());
    }
}
