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
        return exchange(() -> client.send(tx, new Guarded(message)));
    }

    /** The envelope of {@code tx} only, then RSET ({@link LmtpClient#probe}): the relay's verdicts, nothing sent. */
    public List<Reply> probe(Transaction tx) throws IOException {
        return exchange(() -> client.probe(tx));
    }

    private interface Exchange {
        List<Reply> run() throws IOException;
    }

    /** One exchange under the command timeout; any failure leaves the channel unusable. */
    private List<Reply> exchange(Exchange x) throws IOException {
        Deadline d = new Deadline(timeout, () -> channel.close(true));
        try (d) {
            List<Reply> replies = x.run();
            if (d.passed()) { // replies that raced the close are not trusted: the channel is gone
                throw new IOException("closed by the deadline");
            }
            return replies;
        } catch (LocalReadException e) {
            broken = true;
            throw e;
        } catch (IOException | RuntimeException e) {
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

    /** QUIT when the channel is still usable, then closes it. */
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
