package net.rsendmail.doctor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The findings of one doctor run, printed as a table (a line each, the fix indented below) or as
 * JSON lines; exit 0 when nothing failed, 1 otherwise.
 */
public final class Report {
    private final List<Finding> findings = new ArrayList<>();

    public Report add(Finding f) {
        findings.add(f);
        return this;
    }

    public List<Finding> findings() {
        return List.copyOf(findings);
    }

    public boolean failed() {
        return findings.stream().anyMatch(f -> f.verdict() == Verdict.FAIL);
    }

    public int exitCode() {
        return failed() ? 1 : 0;
    }

    public void print(PrintStream out, boolean json) {
        if (json) {
            for (Finding f : findings) {
                out.println(f.json());
            }
            return;
        }
        int width = Math.max(1, findings.stream().mapToInt(f -> f.check().length()).max().orElse(1));
        for (Finding f : findings) {
            out.printf("%-4s  %-" + width + "s  %s%n", f.verdict(), f.check(), f.why());
            if (!f.fix().isEmpty()) {
                String label = "fix: "; // a record that takes several lines stays aligned, for copying
                for (String line : f.fix().split("\n", -1)) {
                    out.printf("      %-" + width + "s  %s%s%n", "", label, line);
                    label = "     ";
                }
            }
        }
        long fails = findings.stream().filter(f -> f.verdict() == Verdict.FAIL).count();
        long warns = findings.stream().filter(f -> f.verdict() == Verdict.WARN).count();
        out.println(fails == 0 && warns == 0 ? "all " + findings.size() + " checks passed"
                : fails + " failed, " + warns + " warned, " + (findings.size() - fails - warns) + " passed");
    }
}
