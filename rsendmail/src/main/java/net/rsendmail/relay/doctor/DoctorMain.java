package net.rsendmail.relay.doctor;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.rsendmail.doctor.Report;
import net.rsendmail.mail.Refusal;

/**
 * {@code rsendmail doctor ...} on the relay's command line (the launcher starts it only without
 * SSH_ORIGINAL_COMMAND: a client can never reach it). Exit 0 when nothing failed, 1 otherwise,
 * 64 for a bad command line.
 */
public final class DoctorMain {
    private DoctorMain() {
    }

    public static void main(String[] argv) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        net.rsendmail.relay.log.LibraryLogs.silence(); // the report is the output, --json above all
        int code;
        try {
            DoctorArgs args = DoctorArgs.parse(List.of(argv));
            Report report = RelayDoctor.run(args);
            report.print(out, args.json());
            code = report.exitCode();
        } catch (Refusal r) {
            System.err.println("rsendmail doctor: " + r.reason());
            System.err.println(DoctorArgs.USAGE);
            code = r.exit().code();
        }
        out.flush();
        System.exit(code);
    }
}
