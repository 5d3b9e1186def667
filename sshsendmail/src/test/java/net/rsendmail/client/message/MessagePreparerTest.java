package net.rsendmail.client.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import net.rsendmail.client.cli.CommandLineParser;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import org.junit.jupiter.api.Test;

class MessagePreparerTest {
    static final Identity ME = new Identity("joe", "client.example");

    record Result(String sender, List<String> rcpts, String text) {
    }

    static Result prepare(String input, String... argv) throws Refusal, IOException {
        PreparedMessage p = new MessagePreparer(ME).prepare(CommandLineParser.parse(argv),
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        return new Result(p.sender(), p.recipients(), new String(p.content().readAllBytes(), StandardCharsets.UTF_8));
    }

    static final String FULL = "From: A <a@example.org>\nTo: b@example.org\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n"
            + "Message-ID: <x@y>\nSubject: s\n\nbody\n";

    @Test
    void completeMessageIsUntouched() throws Exception {
        Result r = prepare(FULL, "-i", "b@example.org");
        assertEquals(FULL, r.text());
        assertEquals("a@example.org", r.sender()); // the single From address
        assertEquals(List.of("b@example.org"), r.rcpts());
    }

    @Test
    void addsDateMessageIdAndFrom() throws Exception {
        Result r = prepare("Subject: cron\n\nout\n", "-i", "root");
        assertEquals(List.of("root@client.example"), r.rcpts());
        assertEquals("joe@client.example", r.sender());
        String[] parts = r.text().split("\n\n", 2);
        assertTrue(parts[0].startsWith("Subject: cron\nFrom: joe@client.example\nDate: "), r.text());
        assertTrue(parts[0].matches("(?s).*\nMessage-ID: <[^>]+@client\\.example>"), r.text());
        assertEquals("out\n", parts[1]);
    }

    @Test
    void fromUsesEnvelopeSenderAndFullName() throws Exception {
        Result r = prepare("Subject: x\n\nb\n", "-i", "-f", "me@example.org", "-F", "Joe Q. Public", "a@b.org");
        assertTrue(r.text().contains("\nFrom: \"Joe Q. Public\" <me@example.org>\n"), r.text());
        assertEquals("me@example.org", r.sender());
    }

    @Test
    void messageWithoutHeadersGetsAnEmptyLineBeforeTheBody() throws Exception {
        Result r = prepare("just a body line\nand another\n", "-i", "a@b.org");
        String[] parts = r.text().split("\n\n", 2);
        assertTrue(parts[0].startsWith("From: "), r.text());
        assertEquals("just a body line\nand another\n", parts[1]);
    }

    @Test
    void crlfMessagesGetCrlfFields() throws Exception {
        Result r = prepare("Subject: x\r\n\r\nbody\r\n", "-i", "a@b.org");
        assertTrue(r.text().contains("\r\nDate: "), r.text());
        assertFalse(r.text().replace("\r\n", "").contains("\n"), r.text());
    }

    @Test
    void extractRecipientsAndDropBcc() throws Exception {
        String in = "From: a@example.org\nTo: B <b@example.org>, c@example.org\nCc: d@example.org\n"
                + "Bcc: secret@example.org,\n  other@example.org\nSubject: s\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n"
                + "Message-ID: <x@y>\n\nbody\nBcc: in body stays\n";
        Result r = prepare(in, "-t", "-i", "extra@example.org");
        assertEquals(List.of("extra@example.org", "b@example.org", "c@example.org", "d@example.org",
                "secret@example.org", "other@example.org"), r.rcpts());
        assertFalse(r.text().contains("secret"), r.text());
        assertTrue(r.text().contains("Bcc: in body stays"), r.text());
        assertEquals(in.replace("Bcc: secret@example.org,\n  other@example.org\n", ""), r.text());
    }

    @Test
    void noRecipientsWithT() {
        Refusal e = assertThrows(Refusal.class, () -> prepare("Subject: s\n\nb\n", "-t"));
        assertEquals(SysExit.DATAERR, e.exit());
    }

    @Test
    void noRecipientsAtAll() {
        assertEquals(SysExit.USAGE, assertThrows(Refusal.class, () -> prepare("Subject: s\n\nb\n")).exit());
    }

    @Test
    void nulByteIsDataError() {
        BadMessageException e = assertThrows(BadMessageException.class, () -> prepare("Subject: s\n\nb\0x\n", "-i", "a@b.org"));
        assertEquals(SysExit.DATAERR, e.refusal().exit());
    }

    @Test
    void loneDotEndsTheMessageWithoutMinusI() throws Exception {
        assertEquals(FULL.replace("body\n", "body\n"), prepare(FULL + ".\nafter\n", "a@b.org").text());
        assertEquals(FULL + ".\nafter\n", prepare(FULL + ".\nafter\n", "-oi", "a@b.org").text());
        assertEquals(FULL + "..x\n.y\n", prepare(FULL + "..x\n.y\n", "a@b.org").text());
    }

    @Test
    void badAddresses() {
        assertEquals("5.1.3", assertThrows(Refusal.class, () -> prepare(FULL, "-i", "--", "-bad@x.org")).status());
        assertEquals("5.5.4", assertThrows(Refusal.class, () -> prepare(FULL, "-i", "-bad@x.org")).status());
        assertEquals("5.1.3", assertThrows(Refusal.class, () -> prepare(FULL, "-i", "a b@x.org")).status());
        assertEquals("5.1.7", assertThrows(Refusal.class, () -> prepare(FULL, "-i", "-f", "x@@y", "a@b.org")).status());
        assertEquals(SysExit.DATAERR, assertThrows(Refusal.class,
                () -> prepare("To: <unterminated\n\nb\n", "-t", "-i")).exit());
    }

    @Test
    void nullSenderFrom() throws Exception {
        Result r = prepare("Subject: s\n\nb\n", "-i", "-f", "<>", "a@b.org");
        assertEquals("", r.sender());
        assertTrue(r.text().contains("From: MAILER-DAEMON@client.example\n"), r.text());
    }

    @Test
    void rfc5322Date() {
        assertEquals("Thu, 1 Jan 2026 00:05:09 +0130",
                MessagePreparer.date(ZonedDateTime.of(2026, 1, 1, 0, 5, 9, 0, ZoneOffset.ofHoursMinutes(1, 30))));
        assertEquals("Sun, 22 Nov 2026 23:00:00 -0500",
                MessagePreparer.date(ZonedDateTime.of(2026, 11, 22, 23, 0, 0, 0, ZoneOffset.ofHours(-5))));
        assertTrue(MessagePreparer.now().matches("[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "From: root (Cron Daemon)|From: root@client.example (Cron Daemon)",
        "From: Cron Daemon <root>|From: Cron Daemon <root@client.example>",
        "From: \"Root, the\" <root>|From: \"Root, the\" <root@client.example>",
        "To: root, b@example.org, (c) joe|To: root@client.example, b@example.org, (c) joe@client.example",
        "Cc: team: a, b@x.org;|Cc: team: a@client.example, b@x.org;",
        "Reply-To: <>|Reply-To: <>",
        "Sender: a@example.org|Sender: a@example.org",
        "Resent-To: root|Resent-To: root@client.example",
        "Subject: root|Subject: root",
        "To: root,~joe (x)|To: root@client.example,~joe@client.example (x)",
    })
    void bareHeaderAddressesAreQualifiedAndNothingElseChanges(String field, String expected) throws Exception {
        String head = "Date: Thu, 1 Jan 2026 00:00:00 +0000\nMessage-ID: <x@y>\n";
        String in = head + field.replace("~", "\n\t") + "\n\nbody  \r\n";
        Result r = prepare("From: a@example.org\n" + in, "-i", "x@example.org");
        assertEquals("From: a@example.org\n" + head + expected.replace("~", "\n\t")
                + "\n\nbody  \r\n", r.text());
    }

    @Test
    void cronMailIsQualified() throws Exception {
        Result r = prepare("From: root (Cron Daemon)\nTo: root\nSubject: Cron <root@h> run-parts\n\nout\n",
                "-FCronDaemon", "-i", "-odi", "-oem", "-oi", "-t");
        assertEquals(List.of("root@client.example"), r.rcpts());
        assertTrue(r.text().startsWith("From: root@client.example (Cron Daemon)\nTo: root@client.example\n"), r.text());
    }

    @Test
    void aLeadingMboxFromLineIsSkippedAsPostfixDoes() throws Exception {
        String patch = "From 1a2b3c Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n"
                + "Message-ID: <p@y>\nTo: b@example.org\nSubject: [PATCH] x\n\n---\nFrom here on\n";
        Result r = prepare(patch, "-i", "-f", "a@example.org", "b@example.org");
        assertEquals(patch.substring(patch.indexOf('\n') + 1), r.text());
        Result t = prepare(patch, "-i", "-t");
        assertEquals(List.of("b@example.org"), t.rcpts());
    }

    @Test
    void obsoleteBccSyntaxAndResentBccAreExtractedAndRemoved() throws Exception {
        Result r = prepare("From: a@example.org\nTo: b@example.org\nBcc : hidden@example.org\nSubject: s\n\nx\n", "-t");
        assertEquals(List.of("b@example.org", "hidden@example.org"), r.rcpts());
        assertFalse(r.text().contains("hidden"), r.text());
        Result resent = prepare("From: a@example.org\nTo: b@example.org\nResent-From: c@example.org\n"
                + "Resent-To: d@example.org\nResent-Bcc: e@example.org\nSubject: s\n\nx\n", "-t");
        assertEquals(List.of("d@example.org", "e@example.org"), resent.rcpts());
        assertFalse(resent.text().contains("e@example.org"), resent.text());
        assertTrue(resent.text().contains("To: b@example.org\n"), resent.text());
    }

    @Test
    void aNonAsciiFullNameIsAnEncodedWord() throws Exception {
        Result r = prepare("Subject: x\n\nb\n", "-i", "-f", "me@example.org", "-F", "Jörg Müller", "a@b.org");
        assertTrue(r.text().contains("\nFrom: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <me@example.org>\n"), r.text());
        String longName = "Ä".repeat(40);
        String enc = MessagePreparer.phrase(longName);
        for (String word : enc.split(" ")) {
            assertTrue(word.length() <= 75 && word.startsWith("=?UTF-8?B?") && word.endsWith("?="), word);
        }
        StringBuilder back = new StringBuilder();
        for (String word : enc.split(" ")) {
            back.append(new String(java.util.Base64.getDecoder().decode(word.substring(10, word.length() - 2)),
                    StandardCharsets.UTF_8));
        }
        assertEquals(longName, back.toString());
    }
}
