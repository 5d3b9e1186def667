package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.rsendmail.it.Dist;
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivateSshd;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import net.rsendmail.it.ServeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sshsendmail delivering to {@code rsendmail serve} (no OpenSSH server at all), over LMTP and in plain mode. */
class ServeDeliveryIT {
    @TempDir
    Path dir;

    private Proc.Result sshsendmail(Path conf, byte[] stdin, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Dist.home().resolve("bin/sshsendmail").toString(), "-C",
                conf.toString()));
        cmd.addAll(List.of(args));
        return Proc.run(cmd, stdin, Duration.ofSeconds(60), Map.of(), dir);
    }

    @Test
    void queuedMailGoesToServeOverLmtpAndInPlainMode() {
        Path key = dir.resolve("id");
        Proc.check(dir, PrivateSshd.SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", key.toString());
        Files2.write(dir.resolve("authorized_keys"), "restrict,command=\"rsendmail --policy laptop\" "
                + Files2.read(Path.of(key + ".pub")));
        try (ServeProcess serve = new ServeProcess(dir, "authorized_keys " + dir.resolve("authorized_keys")
                + "\n[policy laptop]\nsenders @client.test\nheader_from_match yes\n")) {
            for (String batch : List.of("auto", "no")) {
                Path conf = Files2.write(dir.resolve(batch + ".conf"), "relay relay@127.0.0.1:" + serve.port
                        + "\nidentity " + key + "\nknown_hosts " + serve.knownHosts + "\nqueue " + dir.resolve("q-" + batch)
                        + "\ndomain client.test\nlog " + dir.resolve("client.log") + "\nbackground no\nbatch " + batch + "\n");
                for (int i = 0; i < 3; i++) {
                    byte[] m = ("From: alice@client.test\nTo: bob@example.org\nSubject: " + batch + " " + i + "\n\nhi\n")
                            .getBytes(StandardCharsets.UTF_8);
                    Proc.Result r = sshsendmail(conf, m, "-t", "-i");
                    assertEquals(0, r.exit(), r::toString);
                }
                Proc.Result q = sshsendmail(conf, null, "-q");
                assertEquals(0, q.exit(), q::toString);
                assertTrue(sshsendmail(conf, null, "-bp").out().contains("Mail queue is empty"));
            }
            List<RecordingSendmail.Call> calls = serve.mta.completed();
            assertEquals(6, calls.size(), serve::log);
            for (int i = 0; i < 6; i++) {
                String subject = (i < 3 ? "auto " : "no ") + (i % 3);
                assertTrue(calls.stream().anyMatch(c -> c.text().contains("\nSubject: " + subject + "\n")), subject);
            }
            long lmtp = serve.log().lines().filter(l -> l.contains("policy=laptop mode=lmtp") && l.contains("status=")).count();
            long plain = serve.log().lines().filter(l -> l.contains("policy=laptop mode=plain") && l.contains("status=")).count();
            assertEquals(3, lmtp, serve::log);
            assertEquals(3, plain, serve::log);
        }
    }
}
