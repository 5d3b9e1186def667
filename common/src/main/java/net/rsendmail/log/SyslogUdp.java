package net.rsendmail.log;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** RFC 3164 datagrams to the local syslog daemon's UDP port 514. */
final class SyslogUdp implements LogSink {
    private static final int PORT = 514;

    private final String identifier;
    private final long pid;
    private final DatagramSocket socket;

    private SyslogUdp(String identifier, long pid, DatagramSocket socket) {
        this.identifier = identifier;
        this.pid = pid;
        this.socket = socket;
    }

    static SyslogUdp open(String identifier, long pid) throws IOException {
        return new SyslogUdp(identifier, pid, new DatagramSocket());
    }

    @Override
    public void write(long millis, Severity severity, String message) throws IOException {
        byte[] b = LogLine.syslog(identifier, pid, severity, message).getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), PORT));
    }

    @Override
    public void close() {
        socket.close();
    }
}
