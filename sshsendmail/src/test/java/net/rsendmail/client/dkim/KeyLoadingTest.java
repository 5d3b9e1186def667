package net.rsendmail.client.dkim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.rsendmail.config.ConfigException;
import net.rsendmail.config.ConfigFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM, key sources and the config lines, with hostile input. */
class KeyLoadingTest {
    @TempDir
    Path dir;

    private static String problem(String pem) {
        return assertThrows(KeyProblem.class, () -> PemKeys.parse(pem.getBytes(StandardCharsets.ISO_8859_1), "k"))
                .getMessage();
    }

    @Test
    void hostilePem() {
        assertTrue(problem("").contains("empty"));
        assertTrue(problem("hello").contains("must start with -----BEGIN PRIVATE KEY-----"));
        assertTrue(problem("\u0000\u0001binary").contains("binary"));
        assertTrue(problem("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----")
                .contains("encrypted"));
        assertTrue(problem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----").contains("CERTIFICATE"));
        assertTrue(problem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END RSA PRIVATE KEY-----")
                .contains("encrypted"));
        assertTrue(problem("-----BEGIN PRIVATE KEY-----\nAAAA").contains("does not end"));
        assertTrue(problem("-----BEGIN PRIVATE KEY-----\nAA*A\n-----END PRIVATE KEY-----").contains("not base64"));
        assertTrue(problem("-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----").contains("base64"));
        assertTrue(problem("-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----").contains("not a usable"));
        assertTrue(problem("-----BEGIN RSA PRIVATE KEY-----\nMIIBAAAA\n-----END RSA PRIVATE KEY-----")
                .contains("not a usable"));
        assertTrue(problem("-----BEGIN PRIVATE KEY-----\n" + "A".repeat(20000) + "\n-----END PRIVATE KEY-----")
                .contains("too long"));
        assertTrue(problem(DkimVectorsTest.ed25519Pem() + "trailing").contains("does not end"));
    }

    @Test
    void aKeyFileLoadedAheadSignsAndAProblemFoundAheadIsReportedWithTheMessage() throws Exception {
        Path good = dir.resolve("good.pem");
        Files.writeString(good, DkimVectorsTest.ed25519Pem());
        byte[] msg = "From: a@example.org\nTo: b@example.net\nSubject: x\n\nhello\n".getBytes(StandardCharsets.US_ASCII);
        net.rsendmail.queue.Envelope env = new net.rsendmail.queue.Envelope("a@example.org", List.of("b@example.net"));
        net.rsendmail.queue.Admission signs = DkimSigner.admission(new DkimConfig(
                List.of(new KeySource("example.org", "s1", good, null)), false));
        String inserted = new String(signs.admit(env, msg).bytes(), StandardCharsets.US_ASCII);
        assertTrue(inserted.startsWith("DKIM-Signature: v=1; a=ed25519-sha256;") && inserted.contains("s=s1;"), inserted);

        net.rsendmail.queue.Admission missing = DkimSigner.admission(new DkimConfig(
                List.of(new KeySource("example.org", "s1", dir.resolve("gone.pem"), null)), false));
        String why = assertThrows(net.rsendmail.queue.Admission.NotNow.class, () -> missing.admit(env, msg)).getMessage();
        assertTrue(why.contains("gone.pem") && why.contains("no such file"), why);
    }

    @Test
    void sources() throws Exception {
        Path f = dir.resolve("k.pem");
        KeySource missing = new KeySource("example.org", "s1", f, null);
        assertTrue(assertThrows(KeyProblem.class, missing::load).getMessage().contains("no such file"));
        Files.writeString(f, DkimVectorsTest.RSA_PKCS1);
        String small = assertThrows(KeyProblem.class, missing::load).getMessage();
        assertTrue(small.contains("1024 bits") && small.contains("at least 2048"), small);
        Files.writeString(f, DkimVectorsTest.ed25519Pem());
        assertEquals(DkimKey.Algorithm.ED25519, missing.load().algorithm());

        KeySource cmd = new KeySource("example.org", "s2", null, List.of("/bin/cat", f.toString()));
        assertEquals("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", cmd.load().publicKeyBase64());
        KeySource fails = new KeySource("example.org", "s3", null, List.of("/bin/sh", "-c", "echo locked >&2; exit 3"));
        String m = assertThrows(KeyProblem.class, fails::load).getMessage();
        assertTrue(m.contains("exited with status 3: locked"), m);
        KeySource absent = new KeySource("example.org", "s4", null, List.of("/nonexistent/keycmd"));
        assertTrue(assertThrows(KeyProblem.class, absent::load).getMessage().contains("cannot run"));
        KeySource chatty = new KeySource("example.org", "s5", null, List.of("/bin/sh", "-c", "yes | head -c 100000"));
        assertTrue(assertThrows(KeyProblem.class, chatty::load).getMessage().contains("more than"));
    }

    @Test
    void hangingCommandIsKilled() {
        KeySource hangs = new KeySource("example.org", "s", null, List.of("/bin/sleep", "600"));
        long t0 = System.nanoTime();
        String m = assertThrows(KeyProblem.class, hangs::load).getMessage();
        assertTrue(m.contains("did not finish within 10 s"), m);
        assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
    }

    private static DkimConfig parse(String text) throws ConfigException {
        DkimConfig.Builder b = new DkimConfig.Builder();
        for (ConfigFile.Entry e : ConfigFile.parse(Path.of("/t.conf"), text)) {
            assertTrue(b.accept(e), e.key());
        }
        return b.build();
    }

    @Test
    void configLines() throws Exception {
        DkimConfig c = parse("dkim Example.ORG s1 /etc/k1\ndkim_command example.org s2 /usr/bin/pass show dkim\n"
                + "dkim_required yes\n");
        assertEquals(2, c.keysFor("example.org").size());
        assertEquals(List.of("/usr/bin/pass", "show", "dkim"), c.find("example.org", "s2").command());
        assertTrue(c.required());
        for (String bad : List.of("dkim example.org s1", "dkim example.org s1 k1", "dkim exa_mple.org s1 /k",
                "dkim example.org s;1 /k", "dkim example.org s1 /k extra", "dkim_command example.org s1",
                "dkim_command example.org s1 sh -c x", "dkim example.org s1 /a\ndkim example.org s1 /b",
                "dkim_required maybe")) {
            assertThrows(ConfigException.class, () -> parse(bad), bad);
        }
    }
}
