package net.rsendmail.doctor;

import java.util.LinkedHashMap;
import java.util.Map;
import net.rsendmail.io.Json;

/**
 * One doctor finding: what was checked, the verdict, one line of why and, for WARN and FAIL, the
 * exact record or command that fixes it ("" when there is nothing to add).
 */
public record Finding(Verdict verdict, String check, String why, String fix) {

    public Finding {
        if (verdict == Verdict.PASS && !fix.isEmpty()) {
            throw new IllegalArgumentException("a PASS has nothing to fix");
        }
    }

    public static Finding pass(String check, String why) {
        return new Finding(Verdict.PASS, check, why, "");
    }

    public static Finding warn(String check, String why, String fix) {
        return new Finding(Verdict.WARN, check, why, fix);
    }

    public static Finding fail(String check, String why, String fix) {
        return new Finding(Verdict.FAIL, check, why, fix);
    }

    /** One JSON object: {@code {"verdict":…,"check":…,"why":…,"fix":…}}. */
    public String json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", verdict.name());
        m.put("check", check);
        m.put("why", why);
        m.put("fix", fix);
        return Json.object(m);
    }
}
