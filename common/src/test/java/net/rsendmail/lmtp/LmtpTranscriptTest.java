package net.rsendmail.lmtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sendmail -v's view of a dialogue: every command and reply line in order, the body only as its size. */
class LmtpTranscriptTest {
    @Test
    void everyLineInOrderAndTheBodyAsItsSize() throws Exception {
        String server = "220 relay LMTP\r\n250-relay\r\n250 PIPELINING\r\n"
                + "250 2.1.0 ok\r\n250 2.1.5 ok\r\n550 5.1.1 no such user\r\n354 go on\r\n250 2.0.0 queued\r\n";
        List<String> lines = new ArrayList<>();
        Transcript t = new Transcript() {
            @Override
            public void sent(String line) {
                lines.add(">>> " + line);
            }

            @Override
            public void received(String line) {
                lines.add("<<< " + line);
            }

            @Override
            public void body(long octets) {
                lines.add("... " + octets);
            }
        };
        LmtpClient c = new LmtpClient(new ByteArrayInputStream(server.getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayOutputStream(), t);
        c.start("client.example");
        byte[] body = "Subject: secret\n\nx\n".getBytes(StandardCharsets.US_ASCII);
        c.send(new Transaction("a@example.org", List.of("b@example.net", "c@example.net"), "Q1", body.length),
                new ByteArrayInputStream(body));
        assertEquals(List.of("<<< 220 relay LMTP", ">>> LHLO client.example", "<<< 250-relay", "<<< 250 PIPELINING",
                ">>> MAIL FROM:<a@example.org>", ">>> RCPT TO:<b@example.net>", ">>> RCPT TO:<c@example.net>",
                ">>> DATA", "<<< 250 2.1.0 ok", "<<< 250 2.1.5 ok", "<<< 550 5.1.1 no such user", "<<< 354 go on",
                "... " + body.length, "<<< 250 2.0.0 queued"), lines);
    }
}
