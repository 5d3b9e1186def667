package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/** Responses as the validator hands them back, read into answers. */
class AnswersTest {
    private static Message response(int rcode, boolean ad, String... answers) throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("h.example."), Type.SSHFP, DClass.IN));
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setRcode(rcode);
        if (ad) {
            m.getHeader().setFlag(Flags.AD);
        }
        for (String a : answers) {
            String[] w = a.split(" ", 3);
            m.addRecord(Record.fromString(Name.fromString(w[0]), Type.value(w[1]), DClass.IN, 300, w[2], Name.root),
                    Section.ANSWER);
        }
        return m;
    }

    @Test
    void recordsOfTheTypeAskedForAreFoundAndTheAdFlagSaysSecure() throws IOException {
        Message m = response(Rcode.NOERROR, true, "alias.example. CNAME h.example.", "h.example. SSHFP 4 2 "
                + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        Answer<Record> a = Answers.of(m, Type.SSHFP, "SSHFP h.example");
        Answer.Found<Record> f = assertInstanceOf(Answer.Found.class, a);
        assertTrue(f.secure());
        assertEquals(1, f.records().size());
        assertEquals(Type.SSHFP, f.records().get(0).getType());
        Answer.Found<?> insecure = assertInstanceOf(Answer.Found.class, Answers.of(response(Rcode.NOERROR, false,
                "h.example. SSHFP 4 2 " + "00".repeat(32)), Type.SSHFP, "x"));
        assertEquals(false, insecure.secure());
    }

    @Test
    void noRecordOfTheTypeIsNoDataEvenBehindACname() throws IOException {
        assertEquals(new Answer.NoData<>(true), Answers.of(response(Rcode.NOERROR, true), Type.SSHFP, "x"));
        assertEquals(new Answer.NoData<>(false), Answers.of(response(Rcode.NOERROR, false,
                "alias.example. CNAME h.example."), Type.SSHFP, "x"));
    }

    @Test
    void nxdomainKeepsItsSecurity() throws IOException {
        assertEquals(new Answer.NxDomain<>(true), Answers.of(response(Rcode.NXDOMAIN, true), Type.SSHFP, "x"));
        assertEquals(new Answer.NxDomain<>(false), Answers.of(response(Rcode.NXDOMAIN, false), Type.SSHFP, "x"));
    }

    @Test
    void servfailWithTheValidatorsReasonIsBogusWithoutItFailed() throws IOException {
        Message m = response(Rcode.SERVFAIL, false);
        m.addRecord(new TXTRecord(Name.root, ValidatingResolver.VALIDATION_REASON_QCLASS, 0,
                List.of("failed.answer.positive\u0007", " h.example.")), Section.ADDITIONAL);
        Answer.Bogus<Record> b = assertInstanceOf(Answer.Bogus.class, Answers.of(m, Type.SSHFP, "SSHFP h.example"));
        // dnsjava hands the control character back escaped: nothing below 0x20 reaches a log line
        assertEquals("SSHFP h.example: DNSSEC validation failed: failed.answer.positive\\007 h.example.", b.reason());
        assertEquals("a?b?", Answers.printable("a\u0007b\u00e4"));
        Answer.Failed<Record> f = assertInstanceOf(Answer.Failed.class,
                Answers.of(response(Rcode.SERVFAIL, false), Type.SSHFP, "SSHFP h.example"));
        assertEquals("SSHFP h.example: the DNS server answered SERVFAIL", f.reason());
    }

    @Test
    void otherRcodesFail() throws IOException {
        for (int rcode : new int[] {Rcode.REFUSED, Rcode.FORMERR, Rcode.NOTIMP}) {
            Answer.Failed<?> f = assertInstanceOf(Answer.Failed.class, Answers.of(response(rcode, false), Type.A, "A h"));
            assertTrue(f.reason().contains(Rcode.string(rcode)), f.reason());
        }
    }

    @Test
    void mapConvertsRecordsAndRetypesTheRest() {
        assertEquals(new Answer.Found<>(List.of(3), true), new Answer.Found<>(List.of("abc"), true).map(String::length));
        Answer<Integer> nx = new Answer.NxDomain<String>(false).map(String::length);
        assertEquals(new Answer.NxDomain<>(false), nx);
    }
}
