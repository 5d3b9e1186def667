package net.rsendmail.client.ssh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.outcome.ExitCodes;
import net.rsendmail.client.outcome.Outcome;
import net.rsendmail.client.outcome.Outcome.Cause;
import net.rsendmail.lmtp.LmtpClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/** One authenticated SSH session to one relay; one exec channel per message, or one for many in LMTP. */
public final class RelayLink implements AutoCloseable {
    private static final int MAX_OUTPUT = 8192;

    private final RelayAddress relay;
    private final ClientSession session;
    private final String program;
    private final Duration commandTimeout;

    RelayLink(RelayAddress relay, ClientSession session, String program, Duration commandTimeout) {
        this.relay = relay;
        this.session = session;
        this.program = program;
        this.commandTimeout = commandTimeout;
    }

    public RelayAddress relay() {
        return relay;
    }

    public boolean isOpen() {
        return session.isOpen() && !session.isClosing();
    }

    /** What happened on the channel, with whether any message byte was written to it. */
    public record Attempt(Outcome outcome, boolean channelOpened) {
    }

    /** Runs {@code rsendmail -f SENDER -- RCPT…} with the message on its stdin. Never throws. */
    public Attempt send(String sender, List<String> recipients, InputStream message) {
        String command = RemoteCommand.build(program, sender, recipients);
        long deadline = System.nanoTime() + commandTimeout.toNanos();
        ChannelExec channel;
        Bounded out = new Bounded();
        Bounded err = new Bounded();
        WireLog.note(relay, "exec " + command);
        try {
            channel = session.createExecChannel(command);
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(commandTimeout);
        } catch (IOException | RuntimeException e) {
            return new Attempt(lost("cannot open a channel to relay " + relay + ": " + reason(e)), false);
        }
        try {
            String writeError = null;
            OutputStream in = channel.getInvertedIn();
            byte[] buf = new byte[32768];
            while (true) {
                int n;
                try {
                    n = message.read(buf);
                } catch (IOException e) {
                    return new Attempt(Outcome.temporary(Cause.LOCAL_IO, "4.3.0", "cannot read the message: "
                            + reason(e)), true);
                }
                if (n < 0) {
                    break;
                }
                try {
                    in.write(buf, 0, n);
                } catch (IOException e) {
                    writeError = reason(e); // the relay may have exited early: its status tells
                    break;
                }
            }
            try {
                in.close(); // EOF: the end of the message
            } catch (IOException e) {
                writeError = writeError == null ? reason(e) : writeError;
            }
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), left);
            Integer status = channel.getExitStatus();
            if (status == null) {
                if (!events.contains(ClientChannelEvent.CLOSED) && !events.contains(ClientChannelEvent.EXIT_STATUS)
                        && session.isOpen()) {
                    return new Attempt(Outcome.temporary(Cause.TIMEOUT, "4.4.2", "relay " + relay
                            + " did not finish within " + commandTimeout.toSeconds() + "s"), true);
                }
                String signal = channel.getExitSignal();
                return new Attempt(lost("connection to relay " + relay + " lost before the relay's exit status"
                        + (signal != null ? " (relay killed by signal " + signal + ")" : "")
                        + (writeError != null ? ": " + writeError : "")), true);
            }
            String stderr = err.text();
            if (stderr.isBlank()) {
                stderr = out.text(); // some sendmails report on stdout
            }
            WireLog.note(relay, "exit " + status + (stderr.isBlank() ? "" : ": " + stderr.strip()));
            Outcome o = ExitCodes.fromRelay(status, stderr);
            if (o.isDelivered() && writeError != null) {
                // exit 0 without reading all of the message: what it handed on is not this message
                return new Attempt(lost("relay " + relay + " exited 0 before reading the whole message ("
                        + writeError + "); not counted as delivered"), true);
            }
            return new Attempt(o, true);
        } catch (RuntimeException e) {
            return new Attempt(lost("connection to relay " + relay + " failed: " + reason(e)), true);
        } finally {
            channel.close(false);
        }
    }

    /** How {@link #openLmtp} went. */
    public enum ProbeResult { OK, NO_LMTP, NO_CHANNEL, LOST }

    /** The result of {@link #openLmtp}: the batch when OK, else what was seen, for the log. */
    public record Probe(ProbeResult result, LmtpBatch batch, String detail) {
    }

    /**
     * Opens a channel running {@code PROGRAM --lmtp} and reads the greeting. NO_LMTP when the far
     * side answered with anything but an LMTP greeting (an exit status, other output, silence):
     * it is a plain rsendmail or sendmail. Never throws.
     */
    public Probe openLmtp(String clientName) {
        ChannelExec channel;
        StderrTail err = new StderrTail();
        try {
            channel = session.createExecChannel(program + " --lmtp");
            channel.setErr(err);
            channel.open().verify(commandTimeout);
        } catch (IOException | RuntimeException e) {
            return new Probe(ProbeResult.NO_CHANNEL, null, "cannot open a channel to relay " + relay + ": " + reason(e));
        }
        WireLog.note(relay, "exec " + program + " --lmtp");
        LmtpClient client = new LmtpClient(channel.getInvertedOut(), channel.getInvertedIn(), WireLog.of(relay));
        Deadline d = new Deadline(commandTimeout, () -> channel.close(true));
        try (d) {
            client.start(clientName);
            if (d.passed()) {
                throw new IOException("closed by the deadline");
            }
            return new Probe(ProbeResult.OK, new LmtpBatch(relay, channel, client, err, commandTimeout), "");
        } catch (IOException | RuntimeException e) {
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS),
                    Duration.ofSeconds(5).toMillis());
            Integer status = channel.getExitStatus();
            channel.close(true);
            String said = err.lastLine();
            String seen = d.passed() ? "no LMTP greeting within " + commandTimeout.toSeconds() + "s"
                    : status != null ? "exit " + status : reason(e);
            String detail = program + " --lmtp on relay " + relay + ": " + seen + (said.isEmpty() ? "" : ", " + said);
            if (status != null && unsupported(status, said)) {
                return new Probe(ProbeResult.NO_LMTP, null, "relay " + relay + " does not speak LMTP (" + detail + ")");
            }
            return new Probe(ProbeResult.LOST, null, "cannot open an LMTP session (" + detail + ")");
        }
    }

    /**
     * A definite "not offered" answer to {@code --lmtp}: EX_USAGE (64, sysexits.h: an older
     * rsendmail, Postfix's sendmail), EX_NOPERM (77: the relay's policy {@code lmtp no}), or 2 with
     * a usage line (argparse and getopt programs such as the Python rsendmail). A 75, a 78, any
     * other status, a signal or a lost channel says nothing about what the relay speaks.
     */
    static boolean unsupported(int exit, String stderrLine) {
        String s = stderrLine.toLowerCase(java.util.Locale.ROOT);
        return exit == 64 || exit == 77
                || (exit == 2 && (s.contains("usage") || s.contains("unrecognized") || s.contains("option")));
    }

    private static Outcome lost(String text) {
        return Outcome.temporary(Cause.CHANNEL_LOST, "4.4.2", text);
    }

    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    /** Closes the session at once, its channels with it; safe from any thread. */
    void abort() {
        session.close(true);
    }

    @Override
    public void close() {
        try {
            session.close(false).await(Duration.ofSeconds(5));
        } catch (IOException | RuntimeException e) {
            session.close(true);
        }
    }

    /** Keeps the first few KiB of what the relay writes. */
    private static final class Bounded extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int room = MAX_OUTPUT - count;
            if (room > 0) {
                super.write(b, off, Math.min(room, len));
            }
        }

        @Override
        public synchronized void write(int b) {
            if (count < MAX_OUTPUT) {
                super.write(b);
            }
        }

        synchronized String text() {
            return new String(buf, 0, count, StandardCharsets.UTF_8);
        }
    }
}
