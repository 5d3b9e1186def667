package net.rsendmail.client.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.rsendmail.queue.Admission;
import net.rsendmail.queue.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sendmail call's key check (no JDK parser) against the loading a runner does, and what it leaves to the pickup. */
class SubmissionCheckTest {
    private static final Envelope ENV = new Envelope("a@example.org", List.of("b@example.net"));
    private static final byte[] MSG = "From: a@example.org\nTo: b@example.net\nSubject: x\n\nhello\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static String problem(KeyAction a) {
        try {
            a.run();
            return null;
        } catch (KeyProblem e) {
            String m = e.getMessage();
            int detail = m.indexOf(" (", m.indexOf("): ")); // the JDK's words and ours differ in the detail only
            return detail < 0 ? m : m.substring(0, detail);
        }
    }

    private interface KeyAction {
        void run() throws KeyProblem;
    }

    @Test
    void theCheckRefusesWhatLoadingRefusesWithTheSameWords() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] rsa2048 = g.generateKeyPair().getPrivate().getEncoded();
        g.initialize(1536);
        byte[] rsa1536 = g.generateKeyPair().getPrivate().getEncoded();
        byte[] ec = KeyPairGenerator.getInstance("EC").generateKeyPair().getPrivate().getEncoded();
        byte[] ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded();
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("ed25519 vector", DkimVectorsTest.ed25519Pem());
        keys.put("ed25519 generated", pem("PRIVATE KEY", ed));
        keys.put("rsa 2048 pkcs8", pem("PRIVATE KEY", rsa2048));
        keys.put("rsa 1536 pkcs8", pem("PRIVATE KEY", rsa1536));
        keys.put("rsa 1024 pkcs1", DkimVectorsTest.RSA_PKCS1);
        keys.put("rsa truncated", pem("PRIVATE KEY", Arrays.copyOf(rsa2048, rsa2048.length / 2)));
        keys.put("rsa with data after", pem("PRIVATE KEY", Arrays.copyOf(rsa2048, rsa2048.length + 2)));
        keys.put("ed25519 truncated", pem("PRIVATE KEY", Arrays.copyOf(ed, ed.length - 1)));
        keys.put("ec p-256", pem("PRIVATE KEY", ec));
        keys.put("empty sequence", pem("PRIVATE KEY", new byte[] {0x30, 0x00}));
        keys.put("pkcs1 of nothing", pem("RSA PRIVATE KEY", new byte[] {0x30, (byte) 0x82, 0x01, 0x00, 0x00}));
        keys.put("not pem", "hello\n");
        int usable = 0;
        for (Map.Entry<String, String> k : keys.entrySet()) {
            Path f = dir.resolve(k.getKey().replace(' ', '_') + ".pem");
            Files.writeString(f, k.getValue());
            KeySource s = new KeySource("example.org", "s", f, null);
            String loading = problem(s::load);
            assertEquals(loading, problem(s::check), k.getKey());
            usable += loading == null ? 1 : 0;
        }
        assertEquals(4, usable);
        KeySource gone = new KeySource("example.org", "s", dir.resolve("gone.pem"), null);
        assertTrue(problem(gone::check).contains("no such file"));
    }

    private Admission submission(String lines) throws Exception {
        DkimConfig.Builder b = new DkimConfig.Builder();
        for (var e : net.rsendmail.config.ConfigFile.parse(Path.of("/t.conf"), lines)) {
            assertTrue(b.accept(e));
        }
        return DkimSigner.atSubmission(b.build());
    }

    @Test
    void aSendmailCallLeavesKeyFilesToThePickupAndSignsWithCommandsItself() throws Exception {
        Path good = dir.resolve("good.pem");
        Files.writeString(good, DkimVectorsTest.ed25519Pem());
        assertTrue(submission("dkim example.org s1 " + good).atPickup(ENV, MSG));

        Admission command = submission("dkim example.org s1 " + good + "\ndkim_command example.org s2 /bin/cat " + good);
        assertFalse(command.atPickup(ENV, MSG));
        String signed = new String(command.admit(ENV, MSG).bytes(), StandardCharsets.US_ASCII);
        assertTrue(signed.contains("s=s1;") && signed.contains("s=s2;"), signed);

        Admission other = submission("dkim other.example s1 " + good);
        assertFalse(other.atPickup(ENV, MSG));
        assertEquals(0, other.admit(ENV, MSG).bytes().length);

        String required = assertThrows(Admission.NotNow.class,
                () -> submission("dkim other.example s1 " + good + "\ndkim_required yes").atPickup(ENV, MSG)).getMessage();
        assertTrue(required.contains("dkim_required is yes"), required);
        String missing = assertThrows(Admission.NotNow.class,
                () -> submission("dkim example.org s1 " + dir.resolve("gone.pem")).atPickup(ENV, MSG)).getMessage();
        assertTrue(missing.startsWith("DKIM: ") && missing.contains("no such file"), missing);

        // the runner's signer signs what the sendmail call left to it
        assertFalse(DkimSigner.admission(new DkimConfig(List.of(new KeySource("example.org", "s1", good, null)), false))
                .atPickup(ENV, MSG));
    }
}
