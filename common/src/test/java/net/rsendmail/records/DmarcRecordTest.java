package net.rsendmail.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Optional;
import net.rsendmail.records.DmarcRecord.Disposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DmarcRecordTest {
    @Test
    void theDefaultsAreRelaxedAlignmentFullPctAndSpAsP() {
        DmarcRecord.Policy p = assertInstanceOf(DmarcRecord.Policy.class, DmarcRecord.parse("v=DMARC1; p=quarantine"));
        assertEquals(new DmarcRecord.Policy(Disposition.QUARANTINE, Disposition.QUARANTINE, false, false, 100,
                Optional.empty()), p);
    }

    @Test
    void everyTagIsRead() {
        assertEquals(new DmarcRecord.Policy(Disposition.REJECT, Disposition.NONE, true, false, 50,
                        Optional.of("mailto:d@example.org")),
                DmarcRecord.parse("v=DMARC1;p=Reject;sp=none;adkim=s;aspf=r;pct=50;rua=mailto:d@example.org"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"p=none", "v=DMARC1", "v=DMARC1; p=monitor", "v=DMARC1; p=none; sp=x",
            "v=DMARC1; p=none; adkim=x", "v=DMARC1; p=none; pct=101", "v=DMARC1; p=none; pct=-1",
            "p=none; v=DMARC1", "v=DMARC2; p=none", "v=spf1 -all", "v=DMARC1; p=none; p=reject"})
    void everythingElseIsInvalid(String txt) {
        assertInstanceOf(DmarcRecord.Invalid.class, DmarcRecord.parse(txt), txt);
    }
}
