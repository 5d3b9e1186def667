package net.rsendmail.it.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.rsendmail.it.Files2;
import net.rsendmail.it.Proc;
import net.rsendmail.it.RecordingSendmail;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code sshsendmail -bs} as PHP frameworks and swaks call it, through a real OpenSSH sshd to the
 * relay; hostile dialogues through the real program leave its queue empty.
 */
class SmtpModeIT {
    static final String ALICE = "alice@client.test";
    static final String BOB = "bob@example.org";

    @AutoClose
    final World w = new World();

    private Proc.Result run(byte[] stdin, String... cmd) {
        return w.run(List.of(cmd), stdin, Map.of("SSHSENDMAIL_CONF", w.clientConf.toString()), Duration.ofSeconds(60));
    }

    private RecordingSendmail.Call delivered() {
        List<RecordingSendmail.Call> calls = w.awaitCalls(1, Duration.ofSeconds(30));
        assertEquals(1, calls.size(), calls::toString);
        return calls.get(0);
    }

    @Test
    void swaksThroughAPipeDelivers() {
        Proc.Result r = run(null, "swaks", "--pipe", w.sshsendmail() + " -bs", "--from", ALICE, "--to", BOB,
                "--header", "Subject: swaks over -bs", "--body", "Hello\n.\nfrom swaks\n");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("<-  250 2.0.0 queued as "), r.out());
        RecordingSendmail.Call c = delivered();
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB), c.argv());
        assertTrue(c.text().contains("\nSubject: swaks over -bs\n"), c.text());
        assertTrue(c.text().contains("\n\nHello\n.\nfrom swaks\n"), c.text());
    }

    @Test
    void symfonyMailersSendmailTransportDelivers() {
        Path script = Files2.write(w.dir.resolve("send.php"), "<?php\n"
                + "require 'Symfony/Component/Mailer/autoload.php';\n"
                + "require 'Symfony/Component/Mime/autoload.php';\n"
                + "use Symfony\\Component\\Mailer\\Mailer;\n"
                + "use Symfony\\Component\\Mailer\\Transport\\SendmailTransport;\n"
                + "use Symfony\\Component\\Mime\\Email;\n"
                + "$mailer = new Mailer(new SendmailTransport($argv[1] . ' -bs'));\n"
                + "$mailer->send((new Email())->from('" + ALICE + "')->to('" + BOB + "')->subject('Symfony over -bs')\n"
                + "    ->text(\"Order 42\\n.\\nGrüße\\n\"));\n"
                + "echo \"sent\\n\";\n");
        Proc.Result r = run(null, "php", script.toString(), w.sshsendmail().toString());
        assertEquals(0, r.exit(), r::toString);
        assertEquals("sent\n", r.out(), r::toString);
        RecordingSendmail.Call c = delivered();
        assertEquals(List.of("-oi", "-f", ALICE, "--", BOB), c.argv());
        assertTrue(c.text().contains("\nSubject: Symfony over -bs\n"), c.text());
        assertTrue(c.text().contains("Order 42\n.\nGr"), c.text());
    }

    /** What the queue holds, temporary work included; empty right after the process exits means nothing was queued. */
    private List<Path> queueFiles() {
        List<Path> all = new java.util.ArrayList<>();
        for (String part : new String[] {"queue", "tmp", "maildrop"}) {
            Path p = w.queue.resolve(part);
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.forEach(all::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return all;
    }

    private void assertHostileQueuesNothing(String dialogue, int exit, String lastReply) {
        Proc.Result r = w.sshsendmail(dialogue.getBytes(StandardCharsets.UTF_8), "-bs");
        assertEquals(exit, r.exit(), r::toString);
        assertTrue(r.out().startsWith("220 "), r.out());
        assertTrue(r.out().endsWith(lastReply + "\r\n"), r.out());
        assertEquals(List.of(), queueFiles(), r::toString);
        assertEquals(List.of(), w.calls());
    }

    private static final String TX = "EHLO web1\r\nMAIL FROM:<" + ALICE + ">\r\nRCPT TO:<" + BOB + ">\r\nDATA\r\n"
            + "Subject: s\r\n\r\n";

    @Test
    void sessionCutInsideDataQueuesNothing() {
        assertHostileQueuesNothing(TX + "half a mess", 75, "354 end data with <CR><LF>.<CR><LF>");
        assertHostileQueuesNothing(TX + "line\r\n.", 75, "354 end data with <CR><LF>.<CR><LF>");
    }

    @Test
    void bareLfDotIsNoEndOfData() {
        assertHostileQueuesNothing(TX.replace("\r\n", "\n") + "text\n.\nQUIT\n", 75, "354 end data with <CR><LF>.<CR><LF>");
    }

    @Test
    void overlongLinesAreRefused() {
        assertHostileQueuesNothing("EHLO web1\r\nMAIL FROM:<" + ALICE + "> " + "X".repeat(2000) + "\r\nRCPT TO:<" + BOB + ">\r\n"
                + "DATA\r\nQUIT\r\n", 0, "221 2.0.0 client.test closing");
    }

    @Test
    void dataWithoutRcptIsRefusedAndItsLinesAreNoMessage() {
        assertHostileQueuesNothing("EHLO web1\r\nMAIL FROM:<" + ALICE + ">\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n", 0,
                "221 2.0.0 client.test closing");
    }
}
