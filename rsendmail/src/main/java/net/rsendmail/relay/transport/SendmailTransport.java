package net.rsendmail.relay.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.OsReason;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.spool.Spool;

/**
 * Hands a message to the relay's own MTA through its sendmail program (SPEC §2.3): an absolute
 * path, never a shell, a clean environment, {@code -oi}, the validated sender after {@code -f}
 * and the validated recipients after {@code --}.
 */
public final class SendmailTransport implements Transport {
    private static final int OUTPUT_KEEP = 2048;
    private static final Reply TAKEN = new Reply(250, "2.0.0", "delivered to relay MTA");

    private final Path sendmail;
    private final long timeoutSeconds;

    /** {@code timeoutSeconds}: how long the MTA may run; shorter than the relay's idle timeout. */
    public SendmailTransport(Path sendmail, long timeoutSeconds) {
        this.sendmail = sendmail;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The command line; {@code sender} null leaves {@code -f} out, "" is the null sender. */
    public List<String> command(String sender, List<String> recipients) {
        List<String> cmd = new ArrayList<>(recipients.size() + 5);
        cmd.add(sendmail.toString());
        cmd.add("-oi");
        if (sender != null) {
            cmd.add("-f");
            cmd.add(sender.isEmpty() ? "<>" : sender);
        }
        cmd.add("--");
        cmd.addAll(recipients);
        return cmd;
    }

    /**
     * Runs the MTA's sendmail with the message on its stdin. All or nothing: it exited 0 and took
     * every recipient, or the refusal says why for all of them.
     */
    @Override
    public List<RecipientReply> deliver(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal {
        ProcessBuilder pb = new ProcessBuilder(command(envelope.sender(), envelope.recipients()));
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw Refusal.temporary("cannot run relay MTA " + sendmail + ": " + OsReason.of(e));
        }
        OutputCollector output = new OutputCollector(p.getInputStream());
        output.start();
        try (OutputStream stdin = p.getOutputStream()) {
            spool.writeTo(stdin, skip);
        } catch (IOException e) {
            // The MTA stopped reading; its exit code says why.
        }
        int code;
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw Refusal.temporary("relay MTA did not finish within " + timeoutSeconds + " s");
            }
            code = p.exitValue();
            output.join(1000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw Refusal.temporary("interrupted while waiting for the relay MTA");
        }
        if (code == 0) {
            List<RecipientReply> replies = new ArrayList<>(envelope.recipients().size());
            for (String r : envelope.recipients()) {
                replies.add(new RecipientReply.Accepted(r, TAKEN));
            }
            return replies;
        }
        throw failure(code, output.firstLine());
    }

    /** Maps the MTA's exit: sysexits codes pass through, anything else is temporary so the client keeps the mail. */
    static Refusal failure(int code, String said) {
        String detail = said.isEmpty() ? "" : ": " + said;
        SysExit exit = SysExit.of(code);
        if (exit == null) {
            return Refusal.temporary("relay MTA failed (exit " + code + ")" + detail);
        }
        String reason = "relay MTA refused the message (exit " + code + ")" + detail;
        return new Refusal(exit, reason);
    }

    /** Reads what the MTA says, keeping the start for the log and the client's one line. */
    private static final class OutputCollector extends Thread {
        private final InputStream in;
        private final byte[] kept = new byte[OUTPUT_KEEP];
        private int length;

        OutputCollector(InputStream in) {
            super("mta-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] buf = new byte[4096];
            try {
                int r;
                while ((r = in.read(buf)) >= 0) {
                    int take = Math.min(r, kept.length - length);
                    System.arraycopy(buf, 0, kept, length, take);
                    length += take;
                }
            } catch (IOException ignored) {
                // the MTA is gone; what was read is enough
            }
        }

        String firstLine() {
            String s = new String(kept, 0, length, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            return (nl < 0 ? s : s.substring(0, nl)).strip();
        }
    }
}
