package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * sshsendmail as the machine's sendmail, called the way real programs call it
 * (shared/reference/sendmail-clients.md): git format-patch and git send-email, s-nail, cron's and
 * mutt's argv with the headers they write. The relay's policy is the README's strict one
 * ({@code header_from_match yes}), so what passes here passes there.
 */
class RealClientsIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    @AutoClose
    final World w = new World();

    @BeforeEach
    void strictPolicy() {
        w.relayPolicy("senders @client.test\nheader_from_match yes\n");
    }

    private RecordingSendmail.Call delivered() {
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        assertEquals(1, calls.size(), calls::toString);
        return calls.get(0);
    }

    private Proc.Result run(byte[] stdin, String... cmd) {
        return w.run(List.of(cmd), stdin, Map.of("SSHSENDMAIL_CONF", w.clientConf.toString()), Duration.ofSeconds(60));
    }

    /** What cron writes (cronie's and Debian's cron share this header): bare {@code root} addresses. */
    private static byte[] cronMail() {
        return ("From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@web1> /usr/local/bin/backup\n"
                + "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"
                + "X-Cron-Env: <SHELL=/bin/sh>\nX-Cron-Env: <HOME=/root>\nX-Cron-Env: <LOGNAME=root>\n\n"
                + "backup: 3 files, 0 errors\n").getBytes(StandardCharsets.UTF_8);
    }

    private void assertCronMailQualified(RecordingSendmail.Call c) {
        String root = w.user + "@client.test";
        String text = c.text();
        assertTrue(c.argv().containsAll(List.of("-f", root)), c.argv()::toString);
        assertEquals("root@client.test", c.argv().get(c.argv().size() - 1), c.argv()::toString);
        assertTrue(text.startsWith("From: root@client.test (Cron Daemon)\nTo: root@client.test\n"), text);
        assertTrue(text.contains("\nX-Cron-Env: <SHELL=/bin/sh>\n") && text.endsWith("\n\nbackup: 3 files, 0 errors\n"),
                text);
    }

    @Test
    void cronieArgvWithItsHeaderPassesAHeaderFromMatchPolicy() {
        Proc.Result r = w.sshsendmail(cronMail(), "-FCronDaemon", "-i", "-odi", "-oem", "-oi", "-t");
        assertEquals(0, r.exit(), r::toString);
        assertCronMailQualified(delivered());
    }

    @Test
    void debianCronArgvWithTheRecipientOnTheCommandLine() {
        Proc.Result r = w.sshsendmail(cronMail(), "-i", "-FCronDaemon", "-B8BITMIME", "-oem", "root");
        assertEquals(0, r.exit(), r::toString);
        assertCronMailQualified(delivered());
    }

    @Test
    void muttArgvWithEndOfOptions() {
        byte[] msg = ("From: Alice <" + ALICE + ">\nTo: Bob <" + BOB + ">\nSubject: mutt\n"
                + "Date: Wed, 02 Dec 2026 10:00:00 +0000\nMessage-ID: <m1@client.test>\n\nhi\n")
                .getBytes(StandardCharsets.UTF_8);
        Proc.Result r = w.sshsendmail(msg, "-oem", "-oi", "-B8BITMIME", "-f", ALICE, "--", BOB);
        assertEquals(0, r.exit(), r::toString);
        RecordingSendmail.Call c = delivered();
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB), c.argv());
        assertEquals(new String(msg, StandardCharsets.UTF_8), c.text()); // complete already: byte for byte
    }

    /** A repository with one commit by Alice, and its patch as git format-patch writes it. */
    private Path patch() {
        Path repo = w.dir.resolve("repo");
        Files2.write(repo.resolve("README"), "hello\n");
        git(repo, "init", "-q");
        git(repo, "add", "README");
        git(repo, "commit", "-q", "-m", "Add a README", "-m", "With a body line.");
        git(repo, "format-patch", "-q", "-1", "-o", w.dir.resolve("patches").toString());
        Path p = w.dir.resolve("patches/0001-Add-a-README.patch");
        assertTrue(Files2.read(p).startsWith("From "), "format-patch starts with an mbox From line");
        return p;
    }

    private Proc.Result git(Path repo, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=Alice",
                "-c", "user.email=" + ALICE, "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        Proc.Result r = w.run(cmd, null, Map.of("SSHSENDMAIL_CONF", w.clientConf.toString(), "HOME", w.dir.toString()),
                Duration.ofSeconds(60));
        assertEquals(0, r.exit(), r::toString);
        return r;
    }

    @Test
    void gitFormatPatchPipedWithTheMboxFromLine() throws Exception {
        byte[] patch = Files.readAllBytes(patch());
        Proc.Result r = w.sshsendmail(patch, "-t", "-i", BOB);
        assertEquals(0, r.exit(), r::toString);
        RecordingSendmail.Call c = delivered();
        String text = c.text();
        assertFalse(text.startsWith("From "), text);
        assertTrue(text.startsWith("From: Alice <" + ALICE + ">\n"), text); // the patch's own header, not ours
        assertTrue(text.contains("\nSubject: [PATCH] Add a README\n"), text);
        assertTrue(text.contains("\n+hello\n"), text);
        assertEquals(BOB, c.argv().get(c.argv().size() - 1), c.argv()::toString);
    }

    @Test
    void gitSendEmailWithBlindCopyOnTheCommandLine() {
        Path p = patch();
        Path repo = w.dir.resolve("repo");
        git(repo, "send-email", "--sendmail-cmd=" + w.sshsendmail(), "--from=Alice <" + ALICE + ">",
                "--to=" + BOB, "--bcc=carol@example.net", "--confirm=never", "--suppress-cc=all", "--quiet", p.toString());
        RecordingSendmail.Call c = delivered();
        assertTrue(c.argv().containsAll(List.of(BOB, "carol@example.net")), c.argv()::toString);
        String text = c.text();
        assertTrue(text.contains("\nSubject: [PATCH] Add a README\n") || text.startsWith("Subject: [PATCH]"), text);
        assertFalse(text.contains("carol@"), text);
        assertTrue(text.contains("\n+hello\n"), text);
    }

    @Test
    void sNailWithFromAddress() {
        Proc.Result r = run("body from s-nail\n".getBytes(StandardCharsets.UTF_8), "s-nail", "-:/",
                "-S", "mta=" + w.sshsendmail(), "-S", "sendwait", "-s", "report", "-r", ALICE, BOB);
        assertEquals(0, r.exit(), r::toString);
        RecordingSendmail.Call c = delivered();
        assertTrue(c.argv().containsAll(List.of("-f", ALICE)), c.argv()::toString);
        assertEquals(BOB, c.argv().get(c.argv().size() - 1), c.argv()::toString);
        String text = c.text();
        assertTrue(text.contains("From: " + ALICE + "\n") && text.contains("\nSubject: report\n"), text);
        assertTrue(text.endsWith("\n\nbody from s-nail\n"), text);
    }
}
