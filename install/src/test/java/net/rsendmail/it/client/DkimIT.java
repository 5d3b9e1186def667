package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import net.rsendmail.it.Files2;
import net.rsendmail.it.PrivatePostfix;
import net.rsendmail.it.Proc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DKIM end to end: sshsendmail signs as it queues (a sendmail call with key files leaves that to
 * the pickup of its runner), real OpenSSH carries it to rsendmail, a real Postfix delivers it to a
 * Maildir, and Debian's python3-dkim (an independent verifier) checks every signature against the
 * DNS records sshsendmail printed. Needs root (the Postfix).
 */
class DkimIT {
    static final String PYTHON = "/usr/bin/python3";
    static PrivatePostfix postfix;
    World w;
    Path records;

    @BeforeAll
    static void startPostfix() {
        postfix = PrivatePostfix.start(); // skips the class when not root
    }

    @AfterAll
    static void stopPostfix() {
        if (postfix != null) {
            postfix.close();
        }
    }

    @BeforeEach
    void start() {
        postfix.clear();
        w = new World();
        Files2.write(w.relayConf, "sendmail " + postfix.sendmail() + "\n"
                + "log " + w.dir.resolve("relay.log") + "\n"
                + "state_dir " + w.dir + "\n"
                + "default_policy default\n"
                + "[policy default]\nmax_recipients 100\nallow_t yes\n");
        records = w.dir.resolve("records");
    }

    @AfterEach
    void stop() {
        if (w != null) {
            w.close();
        }
    }

    /** --dkim-keygen for a configured key: the key file (0600) and the record, kept for the verifier. */
    private Path keygen(String selector, String alg) throws IOException {
        Path key = w.dir.resolve("example.org." + selector + ".pem");
        w.clientConfig("dkim example.org " + selector + " " + key + "\n");
        Proc.Result r = w.sshsendmail(new byte[0], "--dkim-keygen", "example.org", selector, alg);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
        addRecord(r.out());
        return key;
    }

    private void addRecord(String printed) throws IOException {
        Matcher m = Pattern.compile("(?m)^(\\S+) IN TXT (.*)$").matcher(printed);
        assertTrue(m.find(), printed);
        StringBuilder txt = new StringBuilder();
        Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(2));
        while (s.find()) {
            assertTrue(s.group(1).length() <= 255, "TXT string over 255 octets: " + printed);
            txt.append(s.group(1));
        }
        Files.writeString(records, m.group(1) + "\t" + txt + "\n", StandardCharsets.US_ASCII,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private String verify(byte[] message) throws IOException {
        Path f = Files.createTempFile(w.dir, "msg", ".eml");
        Files.write(f, message);
        Path script = w.dir.resolve("verify.py");
        try (InputStream in = DkimIT.class.getResourceAsStream("/dkim-verify.py")) {
            Files.write(script, in.readAllBytes());
        }
        Proc.Result r = w.run(List.of(PYTHON, script.toString(), f.toString(), records.toString()), new byte[0],
                Map.of(), Duration.ofSeconds(30));
        assertEquals(0, r.exit(), r::toString);
        return r.out().strip();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void bothAlgorithmsPassAfterTheWholeWay() throws IOException {
        Path ed = keygen("ed1", "ed25519");
        Path rsa = keygen("rsa1", "rsa");
        w.clientConfig("background no\ndkim example.org ed1 " + ed + "\ndkim example.org rsa1 " + rsa + "\n");
        Proc.Result rec = w.sshsendmail(new byte[0], "--dkim-record", "example.org", "rsa1");
        assertEquals(0, rec.exit(), rec::toString);
        assertTrue(Files2.read(records).contains(rec.out().split(" IN TXT ")[0]), rec.out());

        String longSubject = "Subject: " + "a long folded subject line with words ".repeat(6).strip()
                .replaceAll("(.{60}) ", "$1\n\t");
        List<byte[]> sent = new ArrayList<>();
        sent.add(World.message("alice@example.org", "bob@example.net", "plain"));
        sent.add(utf8("From: Älice <alice@example.org>\nTo: bob@example.net\n" + longSubject + "\n"
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
                + "Grüße, 8-bit body ✓\n  spaces\t\tand tabs  \n\n\n"));
        sent.add(utf8("From: alice@example.org\nTo: bob@example.net\nSubject: no final newline\n\nlast line"));
        for (byte[] m : sent) {
            Proc.Result r = w.sshsendmail(m, "-oi", "-f", "alice@example.org", "bob@example.net");
            assertEquals(0, r.exit(), r::toString);
        }
        Proc.Result t = w.sshsendmail(utf8("From: alice@example.org\nTo: bob@example.net\n"
                + "Bcc: hidden@example.net\nSubject: with -t\n\nbcc removed before signing\n"), "-t", "-oi");
        assertEquals(0, t.exit(), t::toString);
        // with key files the sendmail call leaves the signing to the pickup
        Proc.Result list = w.sshsendmail(new byte[0], "-bp");
        assertTrue(list.out().contains("4 waiting in the maildrop"), list::toString);
        // with a key from a command it signs as it queues
        w.clientConfig("background no\ndkim example.org ed1 " + ed + "\ndkim_command example.org rsa1 /bin/cat " + rsa
                + "\n");
        Proc.Result c = w.sshsendmail(utf8("From: alice@example.org\nTo: bob@example.net\nSubject: command key\n\n"
                + "signed as it is queued\n"), "-oi", "-f", "alice@example.org", "bob@example.net");
        assertEquals(0, c.exit(), c::toString);
        list = w.sshsendmail(new byte[0], "-bp");
        assertEquals(1, list.out().split("signed d=example.org s=ed1, d=example.org s=rsa1", -1).length - 1,
                list::toString);
        assertTrue(list.out().contains("4 waiting in the maildrop"), list::toString);

        Proc.Result q = w.sshsendmail(new byte[0], "-q");
        assertEquals(0, q.exit(), q::toString);
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(6, Duration.ofSeconds(60));
        assertEquals(6, got.size());
        for (PrivatePostfix.Delivered d : got) {
            String raw = new String(d.raw(), StandardCharsets.UTF_8);
            assertFalse(new String(d.original(), StandardCharsets.UTF_8).contains("hidden@"), raw);
            assertEquals("pass pass", verify(d.raw()), raw);
        }
        String plain = got.stream().map(d -> new String(d.raw(), StandardCharsets.UTF_8))
                .filter(s -> s.contains("\nHello,\n")).findFirst().orElseThrow();
        byte[] altered = plain.replace("\nHello,\n", "\nHallo,\n").getBytes(StandardCharsets.UTF_8);
        String failed = verify(altered);
        assertTrue(failed.startsWith("fail") && failed.contains(" fail"), failed);
    }

    @Test
    void theRunnerASendmailCallStartsSignsWhatTheCallLeftInTheMaildrop() throws IOException {
        Path ed = keygen("ed1", "ed25519");
        Path rsa = keygen("rsa1", "rsa");
        w.clientConfig("dkim example.org ed1 " + ed + "\ndkim example.org rsa1 " + rsa + "\n"); // background yes
        Proc.Result r = w.sshsendmail(World.message("alice@example.org", "bob@example.net", "runner signs"),
                "-oi", "-f", "alice@example.org", "bob@example.net");
        assertEquals(0, r.exit(), r::toString);
        List<PrivatePostfix.Delivered> got = postfix.awaitMessages(1, Duration.ofSeconds(60));
        assertEquals(1, got.size());
        assertEquals("pass pass", verify(got.get(0).raw()), new String(got.get(0).raw(), StandardCharsets.UTF_8));
        assertTrue(w.clientLog().contains("picked up 1 message(s) from the maildrop"), w.clientLog());
    }

    @Test
    void unusableKeysRefuseWithWhatToFix() throws IOException {
        Path missing = w.dir.resolve("nokey.pem");
        byte[] m = World.message("alice@example.org", "bob@example.net", "x");
        Map<String, String> cases = Map.of(
                "dkim example.org s1 " + missing, "no such file",
                "dkim_command example.org s1 /bin/sh -c exit\\ 4", "exited with status",
                "dkim example.org s1 " + w.relayConf, "not a PEM private key",
                "dkim_required yes", "dkim_required is yes");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            w.clientConfig("background no\n" + c.getKey() + "\n");
            Proc.Result r = w.sshsendmail(m, "-oi", "-f", "alice@example.org", "bob@example.net");
            assertEquals(78, r.exit(), r::toString);
            assertTrue(r.err().contains(c.getValue()) && r.err().contains("DKIM"), r::toString);
            assertTrue(w.sshsendmail(new byte[0], "-bp").out().contains("Mail queue is empty"));
        }
        // a From domain without a key is sent unsigned (and the log says so)
        Path ed = keygen("ed1", "ed25519");
        w.clientConfig("background no\ndkim example.org ed1 " + ed + "\n");
        Proc.Result r = w.sshsendmail(World.message("carol@other.example", "bob@example.net", "x"), "-oi",
                "-f", "carol@other.example", "bob@example.net");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(w.sshsendmail(new byte[0], "-bp").out().contains(" unsigned"));
    }
}
