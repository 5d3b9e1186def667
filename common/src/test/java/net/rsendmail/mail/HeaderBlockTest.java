package net.rsendmail.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderBlockTest {

    private static HeaderBlock parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return HeaderBlock.parse(b, b.length);
    }

    private static String without(String message, String field) {
        byte[] b = message.getBytes(StandardCharsets.UTF_8);
        HeaderBlock h = HeaderBlock.parse(b, b.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int pos = 0;
        for (int[] r : h.rangesOf(field)) {
            out.write(b, pos, r[0] - pos);
            pos = r[1];
        }
        out.write(b, pos, b.length - pos);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void fieldsEndAtTheEmptyLine() {
        HeaderBlock h = parse("From: a@x.org\nTo: b@x.org\n\nTo: not-a-header@x.org\n");
        assertEquals(List.of("From", "To"), h.fields().stream().map(HeaderBlock.Field::name).toList());
    }

    @Test
    void continuationLinesBelongToTheirField() throws AddressException {
        HeaderBlock h = parse("To: a@x.org,\n b@x.org,\n\tc@x.org\nSubject: s\n\nbody");
        assertEquals(List.of("a@x.org", "b@x.org", "c@x.org"), h.addresses("To"));
    }

    @Test
    void crlfMessages() throws AddressException {
        HeaderBlock h = parse("To: a@x.org\r\nCc: b@x.org\r\n\r\nbody\r\n");
        assertEquals(List.of("a@x.org", "b@x.org"), h.addresses("To", "Cc"));
    }

    @Test
    void namesMatchIgnoringCase() throws AddressException {
        HeaderBlock h = parse("TO: a@x.org\ncc: b@x.org\nBCC: c@x.org\n\n");
        assertEquals(List.of("a@x.org", "b@x.org", "c@x.org"), h.addresses("To", "Cc", "Bcc"));
    }

    @Test
    void aNonHeaderLineStartsTheBody() {
        HeaderBlock h = parse("To: a@x.org\nthis is no header\nCc: b@x.org\n");
        assertEquals(1, h.fields().size());
        assertEquals("To: a@x.org\n".length(), h.end());
    }

    @Test
    void messageWithoutHeaders() {
        assertEquals(0, parse("\nbody only\n").fields().size());
        assertEquals(0, parse("").fields().size());
    }

    @Test
    void removingBccKeepsEveryOtherByte() {
        String msg = "From: a@x.org\nBcc: hidden@x.org,\n  other@x.org\nTo: b@x.org\nbcc: more@x.org\n\nBcc: body@x.org\n";
        assertEquals("From: a@x.org\nTo: b@x.org\n\nBcc: body@x.org\n", without(msg, "Bcc"));
    }

    @Test
    void bccAsLastFieldWithoutBody() {
        assertEquals("To: b@x.org\n", without("To: b@x.org\nBcc: c@x.org", "Bcc"));
    }

    @Test
    void invalidUtf8InAnAddressFieldIsReported() {
        byte[] b = "To: a\u00ff@x.org\n\n".getBytes(StandardCharsets.ISO_8859_1);
        HeaderBlock h = HeaderBlock.parse(b, b.length);
        assertNull(h.value(h.fields().get(0)));
        assertThrows(AddressException.class, () -> h.addresses("To"));
    }

    @Test
    void unparsableAddressFieldNamesTheField() {
        AddressException e = assertThrows(AddressException.class, () -> parse("Cc: <a@x.org\n\n").addresses("Cc"));
        assertEquals("Cc field: '<' without '>'", e.getMessage());
    }

    @Test
    void obsoleteWhitespaceBeforeTheColonIsAField() throws AddressException {
        // RFC 5322 §4.5.1, and Postfix's is_header(): the scan must not stop where the MTA goes on.
        HeaderBlock h = parse("Subject: s\nBcc : x@x.org\nX-Old\t: y\nFrom: a@x.org\n\nbody");
        assertEquals(List.of("Subject", "Bcc", "X-Old", "From"), h.fields().stream().map(HeaderBlock.Field::name).toList());
        assertEquals(List.of("x@x.org"), h.addresses("Bcc"));
        assertEquals(List.of("a@x.org"), h.addresses("From"));
    }

    @Test
    void linesThatAreNoFieldStillEndTheSection() {
        for (String bad : List.of("Na me: x", ": x", "X\u00e9: x", "X\u0001: x", "no colon at all", "X-\u007f: x")) {
            HeaderBlock h = parse("From: a@x.org\n" + bad + "\nTo: b@x.org\n\n");
            assertEquals(List.of("From"), h.fields().stream().map(HeaderBlock.Field::name).toList(), bad);
        }
    }

    @Test
    void aLeadingMboxFromLineIsSkippedAsPostfixSkipsIt() throws AddressException {
        HeaderBlock h = parse("From a@x.org Tue Dec  1 10:00:00 2026\nFrom: b@x.org\nTo: c@x.org\n\nFrom d\n");
        assertEquals(38, h.start());
        assertEquals(List.of("b@x.org"), h.addresses("From"));
        assertEquals(List.of("c@x.org"), h.addresses("To"));
        assertEquals(0, parse("From: b@x.org\n\n").start());
        assertEquals(0, parse("Subject: s\nFrom a@x.org\n\n").start());
    }

    @Test
    void resentFieldsChooseTheRecipientFieldsAndBothBccsAreCut() {
        assertEquals(List.of("To", "Cc", "Bcc"), parse("To: a@x.org\nBcc: b@x.org\n\n").recipientFieldNames());
        HeaderBlock h = parse("To: a@x.org\nbcc: b@x.org\nResent-Date: now\nResent-To: c@x.org\nRESENT-BCC : d@x.org\n\n");
        assertEquals(List.of("Resent-To", "Resent-Cc", "Resent-Bcc"), h.recipientFieldNames());
        List<int[]> cut = h.blindCopyRanges();
        assertEquals(2, cut.size());
        assertEquals(12, cut.get(0)[0]);
        assertEquals(25, cut.get(0)[1]);
        assertEquals("RESENT-BCC", h.fields().get(4).name(), "the name without the obsolete white space");
    }
}
