package net.rsendmail.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope and maildrop file formats, and the input rules behind them. */
class FormatTest {
    static final QueueId ID = QueueId.parse("20251122T021300123456Z-0123456789abcdef");

    static QueuedMessage sample() {
        return new QueuedMessage(ID, "alice@example.org", List.of(
                RecipientState.pending("bob@example.net"),
                new RecipientState("carol@example.net", RecipientState.State.PENDING, "4.2.2", "mailbox full"),
                new RecipientState("dave@exämple.net", RecipientState.State.FAILED, "5.1.1",
                        "user unknown\r\n% 100%\u0000 \u00e9")),
                3, Instant.parse("2025-11-22T03:00:00Z"), "4.4.1", "connection refused\nby relay",
                1000, Instant.parse("2025-11-22T02:13:00.123456Z"), 5120);
    }

    @Test
    void envelopeRoundTripsExactly() throws Exception {
        QueuedMessage m = sample();
        byte[] f = EnvelopeFile.format(m);
        assertEquals(m, EnvelopeFile.parse(f));
        String text = new String(f, StandardCharsets.UTF_8);
        assertEquals("""
                rsendmail-queue-envelope 1
                id 20251122T021300123456Z-0123456789abcdef
                created 2025-11-22T02:13:00.123456Z
                uid 1000
                size 5120
                sender <alice@example.org>
                attempts 3
                next-attempt 2025-11-22T03:00:00Z
                last-status 4.4.1
                last-error connection refused%0Aby relay
                rcpt pending - bob@example.net
                rcpt pending 4.2.2 carol@example.net mailbox full
                rcpt failed 5.1.1 dave@exämple.net user unknown%0D%0A%25 100%25%00 é
                end
                """, text);
    }

    @Test
    void nullSenderAndEmptyTextsRoundTrip() throws Exception {
        QueuedMessage m = new QueuedMessage(ID, "", List.of(RecipientState.pending("x@y")), 0,
                Instant.EPOCH, "", "", -2, Instant.EPOCH, 0);
        byte[] f = EnvelopeFile.format(m);
        assertTrue(new String(f, StandardCharsets.UTF_8).contains("\nsender <>\n"));
        assertTrue(new String(f, StandardCharsets.UTF_8).contains("\nuid 4294967294\n"), "uids are unsigned");
        assertEquals(m, EnvelopeFile.parse(f));
    }

    @Test
    void envelopeParserIsStrict() {
        String good = new String(EnvelopeFile.format(sample()), StandardCharsets.UTF_8);
        String[][] edits = {
            {"rsendmail-queue-envelope 1", "rsendmail-queue-envelope 2"},
            {"\nend\n", "\n"},
            {"\nend\n", "\nend\nextra\n"},
            {"attempts 3", "attempts 03"},
            {"attempts 3", "attempts -3"},
            {"attempts 3", "attempts 99999999999"},
            {"size 5120", "size"},
            {"size 5120", "size "},
            {"uid 1000", "uid 1000 "},
            {"sender <alice@example.org>", "sender alice@example.org"},
            {"sender <alice@example.org>", "sender <alice @example.org>"},
            {"last-status 4.4.1", "last-status 4.4"},
            {"last-status 4.4.1", "last-status 3.1.1"},
            {"next-attempt 2025-11-22T03:00:00Z", "next-attempt tomorrow"},
            {"rcpt pending - bob@example.net", "rcpt maybe - bob@example.net"},
            {"rcpt pending - bob@example.net", "rcpt pending - carol@example.net"},
            {"rcpt pending - bob@example.net", "rcpt pending bob@example.net"},
            {"mailbox full", "mailbox%zzfull"},
            {"mailbox full", "mailbox%41full"},
            {"mailbox full", "mailbox\tfull"},
            {"id 20251122", "id 2025112"},
            {"created 2025", "created  2025"},
        };
        assertEachEditDamages(good, edits);
        String noRcpt = good.replaceAll("rcpt [^\n]*\n", "");
        assertThrows(Damaged.class, () -> EnvelopeFile.parse(noRcpt.getBytes(StandardCharsets.UTF_8)));
        assertThrows(Damaged.class, () -> EnvelopeFile.parse(new byte[0]));
        byte[] truncated = good.substring(0, good.length() - 1).getBytes(StandardCharsets.UTF_8);
        assertThrows(Damaged.class, () -> EnvelopeFile.parse(truncated));
        byte[] badUtf8 = good.replace("é", "\u00ff").getBytes(StandardCharsets.ISO_8859_1);
        assertThrows(Damaged.class, () -> EnvelopeFile.parse(badUtf8));
    }

    static QueuedMessage noticed() {
        QueuedMessage m = sample();
        return new QueuedMessage(m.id(), "", m.recipients(), m.attempts(), m.nextAttempt(), m.lastStatus(),
                m.lastError(), m.submitterUid(), m.created(), m.size(), Instant.parse("2025-11-22T06:13:00Z"),
                new QueuedMessage.ReportOf(QueueId.parse("20251121T000000000000Z-fedcba9876543210"),
                        "5.7.1 relay: sender not allowed\n100%"));
    }

    @Test
    void delayWarningAndReportOfRoundTripAfterLastError() throws Exception {
        QueuedMessage m = noticed();
        byte[] f = EnvelopeFile.format(m);
        assertEquals(m, EnvelopeFile.parse(f));
        String text = new String(f, StandardCharsets.UTF_8);
        assertTrue(text.contains("""
                last-error connection refused%0Aby relay
                delay-warned 2025-11-22T06:13:00Z
                report-of 20251121T000000000000Z-fedcba9876543210 5.7.1 relay: sender not allowed%0A100%25
                rcpt pending - bob@example.net
                """), text);
        // an entry written before these lines existed reads as never warned, reporting on nothing
        QueuedMessage old = EnvelopeFile.parse(EnvelopeFile.format(sample()));
        assertEquals(null, old.delayWarned());
        assertEquals(null, old.reportOf());
    }

    @Test
    void optionalLinesAreStrictToo() {
        String good = new String(EnvelopeFile.format(noticed()), StandardCharsets.UTF_8);
        String warned = "delay-warned 2025-11-22T06:13:00Z";
        String reportOf = "report-of 20251121T000000000000Z-fedcba9876543210 5.7.1 relay: sender not allowed%0A100%25";
        String[][] edits = {
            {"delay-warned 2025-11-22T06:13:00Z", "delay-warned"},
            {"delay-warned 2025-11-22T06:13:00Z", "delay-warned soon"},
            {"report-of 20251121T000000000000Z-fedcba9876543210", "report-of 20251121"},
            {"fedcba9876543210 5.7.1 relay: sender not allowed%0A100%25\n", "fedcba9876543210 \n"},
            {"relay: sender not allowed%0A100%25", "relay: sender not allowed%0A100%"},
            {warned + "\n" + reportOf, reportOf + "\n" + warned}, // fixed order
        };
        assertEachEditDamages(good, edits);
    }

    /** Each {from, to} replacement in an envelope file makes it damaged. */
    private static void assertEachEditDamages(String good, String[][] edits) {
        for (String[] e : edits) {
            String bad = good.replace(e[0], e[1]);
            assertTrue(!bad.equals(good), e[0]);
            assertThrows(Damaged.class, () -> EnvelopeFile.parse(bad.getBytes(StandardCharsets.UTF_8)), e[1]);
        }
    }

    @Test
    void addressesWithWhitespaceOrControlsAreRefused() {
        for (String bad : new String[] {"a b@c", "a\tb@c", "a\r\n@c", "a\u0000@c", "a\u007f@c", "a\u0085@c",
                "a\u00a0@c", "a\u2028@c", "<a@c>", "a@c>", "a\ud800@c", "x".repeat(600)}) {
            assertThrows(IllegalArgumentException.class, () -> new Envelope("ok@c", List.of(bad)), bad);
            assertThrows(IllegalArgumentException.class, () -> new Envelope(bad, List.of("ok@c")), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Envelope("ok@c", List.of("")));
        assertEquals("", new Envelope("", List.of("x@y")).sender());
        assertEquals("dörte@bücher.example", new Envelope("", List.of("dörte@bücher.example")).recipients().get(0));
    }

    @Test
    void enhancedStatusCodesFollowRfc3463() {
        for (String ok : new String[] {"2.0.0", "4.4.1", "5.7.1", "5.123.456", ""}) {
            Checks.status(ok);
        }
        for (String bad : new String[] {"1.0.0", "4.4", "4..1", "4.4.1.", "4.1234.1", "x", "4.4.1 "}) {
            assertThrows(IllegalArgumentException.class, () -> RecipientResult.temporary(bad, "t"), bad);
        }
    }

    @Test
    void dropHeaderRoundTripsAndIsStrict() throws Exception {
        Envelope env = new Envelope("", List.of("a@b", "c@d"));
        byte[] h = DropFile.header(ID, 1234, Instant.parse("2025-11-22T02:13:00Z"), env);
        int off = DropFile.sizeOffset(h);
        byte[] digits = DropFile.sizeDigits(77);
        System.arraycopy(digits, 0, h, off, digits.length);
        byte[] file = new byte[h.length + 10];
        System.arraycopy(h, 0, file, 0, h.length);
        DropFile.Header p = DropFile.parse(file, file.length);
        assertEquals(ID, p.id());
        assertEquals(1234, p.uid());
        assertEquals(77, p.size());
        assertEquals(env, p.envelope());
        assertEquals(h.length, p.length());
        String s = new String(h, StandardCharsets.UTF_8);
        assertThrows(Damaged.class, () -> DropFile.parse(s.replace("size 0", "size ").getBytes(StandardCharsets.UTF_8), s.length() - 1));
        assertThrows(Damaged.class, () -> DropFile.parse(s.replace("uid 1234", "uid x").getBytes(StandardCharsets.UTF_8), s.length() - 1));
        assertThrows(Damaged.class, () -> DropFile.parse(h, h.length - 1), "no end line");
        assertArrayEquals("00000000000000000077".getBytes(StandardCharsets.US_ASCII), digits);
    }
}
