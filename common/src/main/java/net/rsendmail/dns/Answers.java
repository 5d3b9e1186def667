package net.rsendmail.dns;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

/**
 * Reads a response of dnsjava's {@link ValidatingResolver} into an {@link Answer}. The validator
 * sets AD only on answers it proved secure, turns a bogus answer into SERVFAIL and adds its reason
 * as a TXT record at {@code .} in the private class {@link ValidatingResolver#VALIDATION_REASON_QCLASS}.
 */
final class Answers {
    private Answers() {
    }

    /** The records of {@code type} in the answer section (after any CNAME chain the server followed). */
    static Answer<Record> of(Message response, int type, String what) {
        int rcode = response.getRcode();
        boolean secure = response.getHeader().getFlag(Flags.AD);
        String reason = validationReason(response);
        switch (rcode) {
            case Rcode.NOERROR: {
                List<Record> records = new ArrayList<>();
                for (Record r : response.getSection(Section.ANSWER)) {
                    if (r.getType() == type) {
                        records.add(r);
                    }
                }
                return records.isEmpty() ? new Answer.NoData<>(secure) : new Answer.Found<>(records, secure);
            }
            case Rcode.NXDOMAIN:
                return new Answer.NxDomain<>(secure);
            case Rcode.SERVFAIL:
                // the validator answers SERVFAIL with a reason for a bogus answer (and for a server's own SERVFAIL,
                // which it cannot tell apart: either way the answer is unusable and nothing is trusted)
                return reason != null ? new Answer.Bogus<>(what + ": DNSSEC validation failed: " + reason)
                        : new Answer.Failed<>(what + ": the DNS server answered SERVFAIL");
            default:
                return new Answer.Failed<>(what + ": the DNS server answered " + Rcode.string(rcode));
        }
    }

    /** The reason names records from the answer: nothing but printable ASCII goes on into a log line. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 300));
        for (int i = 0; i < s.length() && i < 300; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    private static String validationReason(Message response) {
        for (Record r : response.getSection(Section.ADDITIONAL)) {
            if (r.getType() == Type.TXT && r.getDClass() == ValidatingResolver.VALIDATION_REASON_QCLASS
                    && r instanceof TXTRecord txt) {
                return printable(String.join("", txt.getStrings()));
            }
        }
        return null;
    }
}
