package net.rsendmail.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny unsigned authoritative server in the test's JVM, over UDP on 127.0.0.1: answers from
 * zone-file lines, NXDOMAIN for names it has nothing at, NODATA otherwise; or, {@code silent},
 * never answers; names under {@code refused.test} get REFUSED. For the lookups whose logic needs no
 * DNSSEC (knot serves the signed cases in DnsIT).
 */
public final class ZoneServer implements AutoCloseable {
    private final DatagramSocket socket;
    private final List<Record> records = new ArrayList<>();
    private final boolean silent;
    private final Thread thread;
    private final Record soa;

    public ZoneServer(boolean silent, String... zoneLines) throws IOException {
        this.silent = silent;
        soa = Record.fromString(Name.fromString("test."), org.xbill.DNS.Type.SOA, DClass.IN, 300,
                "ns.test. hostmaster.test. 1 3600 600 86400 300", Name.root);
        for (String line : zoneLines) {
            String[] w = line.split(" ", 3);
            records.add(Record.fromString(Name.fromString(w[0]), org.xbill.DNS.Type.value(w[1]), DClass.IN, 300, w[2],
                    Name.root));
        }
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "zone-server");
        thread.start();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                if (silent) {
                    continue;
                }
                Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
                byte[] out = answer(q).toWire();
                socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a query we cannot parse: no answer, as a real server might
            }
        }
    }

    private Message answer(Message q) {
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.addRecord(question, Section.QUESTION);
        boolean exists = false;
        for (Record rec : records) {
            if (rec.getName().equals(question.getName())) {
                exists = true;
                if (rec.getType() == question.getType()) {
                    r.addRecord(rec, Section.ANSWER);
                }
            }
        }
        r.getHeader().setRcode(exists ? Rcode.NOERROR : Rcode.NXDOMAIN);
        if (question.getName().toString().endsWith("refused.test.")) {
            r.getHeader().setRcode(Rcode.REFUSED);
            return r;
        }
        if (r.getSection(Section.ANSWER).isEmpty()) {
            r.addRecord(soa, Section.AUTHORITY); // RFC 2308 §3: a negative answer carries the zone's SOA
        }
        return r;
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(10_000);
    }
}
