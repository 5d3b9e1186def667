package net.rsendmail.client.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.lmtp.LmtpClient;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.lmtp.Transaction;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

/**
 * One exec channel running {@code rsendmail --lmtp} on the relay, carrying many messages (SPEC
 * §2.5, §3.3). Any {@link IOException} from {@link #send} leaves the channel unusable: close it.
 */
public final class LmtpBatch implements AutoCloseable {
    private final RelayAddress relay;
    private final ChannelExec channel;
    private final LmtpClient client;
    private final StderrTail stderr;
    private final Duration timeout;
    private boolean broken;

    LmtpBatch(RelayAddress relay, ChannelExec channel, LmtpClient client, StderrTail stderr, Duration timeout) {
        this.relay = relay;
        this.channel = channel;
        this.client = client;
        this.stderr = stderr;
        this.timeout = timeout;
    }

    public RelayAddress relay() {
        return relay;
    }

    public boolean isOpen() {
        return !broken && channel.isOpen() && !channel.isClosing();
    }

    /**
     * Sends one message; one reply per recipient. {@link LocalReadException} when the message
     * could not be read here (the channel is then unusable too: the relay hands nothing on).
     */
    public List<Reply> send(Transaction tx, InputStream message) throws IOException {
        return transmit(tx, message).finish();
    }

    /**
     * The first half of {@link #send} ({@link LmtpClient#transmit}): the envelope and the message
     * sent; {@link Pending#finish} reads the replies, the two under one command timeout. Each
     * {@code transmit} needs its {@code finish} before the next one.
     */
    public Pending transmit(Transaction tx, InputStream message) throws IOException {
        Deadline d = deadline();
        LmtpClient.Pending p = exchange(d, false, () -> client.transmit(tx, new Guarded(message)));
        return new Pending(d, p);
    }

    /**
     * The envelope of {@code tx}, the next transaction, written behind the open one
     * ({@link LmtpClient#offer}); its {@link #transmit} must follow, or the channel be closed.
     */
    public void offer(Transaction tx) throws IOException {
        exchange(deadline(), true, () -> {
            client.offer(tx);
            return null;
        });
    }

    /** A transaction whose message is on its way to the relay. */
    public final class Pending {
        private final Deadline deadline;
        private final LmtpClient.Pending sent;

        private Pending(Deadline deadline, LmtpClient.Pending sent) {
            this.deadline = deadline;
            this.sent = sent;
        }

        /** One reply per recipient, or the failure, as {@link LmtpBatch#send}. */
        public List<Reply> finish() throws IOException {
            return exchange(deadline, true, () -> client.finish(sent));
        }
    }

    /** The envelope of {@code tx} only, then RSET ({@link LmtpClient#probe}): the relay's verdicts, nothing sent. */
    public List<Reply> probe(Transaction tx) throws IOException {
        return exchange(deadline(), true, () -> client.probe(tx));
    }

    /** The command timeout of one transaction: when it passes, the channel is closed. */
    private Deadline deadline() {
        return new Deadline(timeout, () -> channel.close(true));
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    /**
     * One step under the command timeout {@code d}, which ends with the {@code last} step or a
     * failure; any failure leaves the channel unusable.
     */
    private <T> T exchange(Deadline d, boolean last, Step<T> x) throws IOException {
        try {
            T result = x.run();
            if (d.passed()) { // replies that raced the close are not trusted: the channel is gone
                throw new IOException("closed by the deadline");
            }
            if (last) {
                d.close();
            }
            return result;
        } catch (LocalReadException e) {
            d.close();
            broken = true;
            throw e;
        } catch (IOException | RuntimeException e) {
            d.close();
            broken = true;
            if (d.passed()) {
                throw new IOException("the relay did not finish the transaction within " + timeout.toSeconds()
                        + "s (command_timeout)", e);
            }
            throw new IOException(e.getMessage() + relaySaid(), e);
        }
    }

    /** What the relay last wrote on stderr, once the channel has closed (bounded wait), or "". */
    private String relaySaid() {
        channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(2).toMillis());
        String line = stderr.lastLine();
        return line.isEmpty() ? "" : "; relay's stderr: " + line;
    }

    /** QUIT when the channel is still usable and no envelope is offered, then closes it. */
    @Override
    public void close() {
        if (isOpen()) {
            try {
                client.quit();
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
        }
        try {
            channel.close(false).await(Duration.ofSeconds(5));
        } catch (IOException | RuntimeException e) {
            channel.close(true);
        }
    }

    /** A failure reading the message from the local queue, not of the channel. */
    public static final class LocalReadException extends IOException {
        private static final long serialVersionUID = 1L;

        LocalReadException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final class Guarded extends InputStream {
        private final InputStream in;

        Guarded(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            try {
                return in.read();
            } catch (IOException e) {
                throw new LocalReadException(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return in.read(b, off, len);
            } catch (IOException e) {
                throw new LocalReadException(e);
            }
        }
    }
}
