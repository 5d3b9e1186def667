package net.rsendmail.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static String print(Report r, boolean json) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        r.print(new PrintStream(b, true, StandardCharsets.UTF_8), json);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exitIsOneOnlyWhenSomethingFailed() {
        Report r = new Report().add(Finding.pass("a", "fine")).add(Finding.warn("b", "later", "do x"));
        assertEquals(0, r.exitCode());
        r.add(Finding.fail("c", "broken", "do y"));
        assertEquals(1, r.exitCode());
        assertEquals(0, new Report().exitCode());
    }

    @Test
    void theTableHasALineEachTheFixBelowAndATotal() {
        Report r = new Report().add(Finding.pass("config", "read /etc/x"))
                .add(Finding.fail("relay r: host key", "unknown key", "add the line\nthen retry"));
        assertEquals(String.join("\n",
                "PASS  config             read /etc/x",
                "FAIL  relay r: host key  unknown key",
                "                         fix: add the line",
                "                              then retry",
                "1 failed, 0 warned, 1 passed", ""), print(r, false));
        assertEquals("PASS  c  x\nall 1 checks passed\n", print(new Report().add(Finding.pass("c", "x")), false));
        assertEquals("PASS     x\nall 1 checks passed\n", print(new Report().add(Finding.pass("", "x")), false));
    }

    @Test
    void jsonIsOneObjectPerFinding() {
        Report r = new Report().add(Finding.pass("config", "read \"x\"")).add(Finding.fail("k", "a\nb", "f"));
        assertEquals("{\"verdict\":\"PASS\",\"check\":\"config\",\"why\":\"read \\\"x\\\"\",\"fix\":\"\"}\n"
                + "{\"verdict\":\"FAIL\",\"check\":\"k\",\"why\":\"a\\u000ab\",\"fix\":\"f\"}\n", print(r, true));
    }

    @Test
    void aPassCarriesNoFix() {
        assertThrows(IllegalArgumentException.class, () -> new Finding(Verdict.PASS, "a", "b", "c"));
    }
}
