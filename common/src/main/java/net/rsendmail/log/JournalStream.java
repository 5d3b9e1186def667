package net.rsendmail.log;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A stream connection to systemd-journald, as sd_journal_stream_fd(3) makes one: a header naming
 * the identifier (SYSLOG_IDENTIFIER), then one line per message. journald takes the sender's
 * _PID and _UID from the socket (SO_PEERCRED). A connection journald dropped (it restarted) is
 * made again once before a write fails.
 */
final class JournalStream implements LogSink {
    private final Path socket;
    private final String identifier;
    private SocketChannel channel;

    private JournalStream(Path socket, String identifier) {
        this.socket = socket;
        this.identifier = identifier;
    }

    static JournalStream connect(Path socket, String identifier) throws IOException {
        JournalStream j = new JournalStream(socket, identifier);
        j.reconnect();
        return j;
    }

    private void reconnect() throws IOException {
        close();
        SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        try {
            send(c, LogLine.journalHeader(identifier));
        } catch (IOException e) {
            c.close();
            throw e;
        }
        channel = c;
    }

    @Override
    public synchronized void write(long millis, Severity severity, String message) throws IOException {
        String line = LogLine.journal(severity, message);
        try {
            if (channel == null) {
                reconnect();
            }
            send(channel, line);
        } catch (IOException e) {
            reconnect();
            send(channel, line);
        }
    }

    private static void send(SocketChannel c, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing a broken connection: nothing left to lose
            }
            channel = null;
        }
    }
}
