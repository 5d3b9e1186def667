package net.rsendmail.mtasts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MtaStsHttpTest {
    private static final String POLICY = "version: STSv1\r\nmode: testing\r\nmx: mx.example.com\r\nmax_age: 86400\r\n";
    private static final int MAX_BODY = MtaStsPolicy.MAX_BYTES;

    private static MtaStsHttp.Response read(String response) throws IOException {
        return read(response.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static MtaStsHttp.Response read(byte[] response) throws IOException {
        return MtaStsHttp.read(new ByteArrayInputStream(response));
    }

    private static String body(String response) throws IOException {
        MtaStsHttp.Response r = read(response);
        byte[] b = assertInstanceOf(MtaStsHttp.Response.Body.class, r, () -> show(response) + " -> " + r).bytes();
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String refused(String response) throws IOException {
        MtaStsHttp.Response r = read(response);
        String reason = assertInstanceOf(MtaStsHttp.Response.Refused.class, r, () -> show(response) + " -> " + r)
                .reason();
        assertTrue(reason.matches("[^\\p{Cc}\\p{Cf}]+") && reason.length() < 200, reason);
        return reason;
    }

    private static String show(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String ok(String headers) {
        return "HTTP/1.1 200 OK\r\n" + headers + "\r\n";
    }

    @Test
    void contentLengthBody() throws IOException {
        assertEquals(POLICY, body(ok("Content-Type: text/plain\r\nContent-Length: " + POLICY.length() + "\r\n")
                + POLICY + "trailing bytes after the body are not read"));
        assertEquals("", body(ok("Content-Type: text/plain\r\nContent-Length: 0\r\n")));
        assertEquals(POLICY, body("HTTP/1.0 200 OK\nContent-Type: text/plain\nContent-Length: 00"
                + POLICY.length() + "\n\n" + POLICY));
    }

    @Test
    void chunkedBody() throws IOException {
        assertEquals(POLICY, body(ok("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n")
                + "a\r\n" + POLICY.substring(0, 10) + "\r\n"
                + Integer.toHexString(POLICY.length() - 10).toUpperCase() + ";ext=1;e2\r\n" + POLICY.substring(10)
                + "\r\n0000\r\nX-Trailer: t\r\n\r\nignored"));
        assertEquals("abc", body(ok("Content-Type: text/plain\r\nTransfer-Encoding: Chunked\r\n")
                + "3 ; x\n" + "abc\n" + "0\n\n"));
        assertEquals("", body(ok("Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n"));
    }

    @Test
    void bodyUntilTheClose() throws IOException {
        assertEquals(POLICY, body(ok("Content-Type: text/plain\r\n") + POLICY));
        assertEquals("", body(ok("Content-Type: text/plain\r\n")));
    }

    @Test
    void headerVariants() throws IOException {
        String b = "Content-Length: 1\r\n";
        assertEquals("x", body(ok("content-type:TEXT/PLAIN;charset=utf-8\r\n" + b) + "x"));
        assertEquals("x", body(ok("Content-Type: text/plain ; charset=\"us-ascii\"\r\n" + b) + "x"));
        assertEquals("x", body(ok("Content-Type:\t text/plain \t\r\nContent-Encoding: identity\r\n" + b) + "x"));
        assertEquals("x", body("HTTP/1.1 200\r\nContent-Type: text/plain\r\n" + b + "\r\nx"));
        assertEquals("x", body("HTTP/1.1 200 \r\nContent-Type: text/plain\r\n" + b + "\r\nx"));
        assertEquals("x", body(ok("Server: caf\u00e9 \u00ff\r\nX-Empty:\r\nContent-Type: text/plain\r\n" + b) + "x"));
        // interim responses before the final one
        assertEquals("x", body("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + ok("Content-Type: text/plain\r\n" + b) + "x"));
    }

    @Test
    void nonOkStatusesSayWhich() throws IOException {
        assertEquals("HTTP 404 Not Found", refused("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
        assertEquals("HTTP 500", refused("HTTP/1.1 500\r\n\r\n"));
        assertEquals("HTTP 204 No Content", refused("HTTP/1.1 204 No Content\r\n\r\n"));
        assertEquals("HTTP 301 Moved Permanently (redirects are not followed, RFC 8461 §3.3)",
                refused("HTTP/1.1 301 Moved Permanently\r\nLocation: https://evil.example/\r\n\r\n"));
        assertEquals("HTTP 307 (redirects are not followed, RFC 8461 §3.3)", refused("HTTP/1.1 307\r\n\r\n"));
        assertEquals("HTTP 101 Switching Protocols", refused("HTTP/1.1 101 Switching Protocols\r\n\r\n"));
        assertEquals("HTTP 404 \u00e9\\x01 \\x07\u00ff\u00fe", refused("HTTP/1.1 404 \u00e9\u0001 \u0007\u00ff\u00fe\r\n\r\n"));
        assertEquals("more than 4 interim responses", refused("HTTP/1.1 100 Continue\r\n\r\n".repeat(5)
                + ok("Content-Type: text/plain\r\nContent-Length: 0\r\n")));
    }

    @Test
    void onlyTextPlain() throws IOException {
        assertEquals("no Content-Type (RFC 8461 §3.2: text/plain)", refused(ok("Content-Length: 1\r\n") + "x"));
        assertTrue(refused(ok("Content-Type: text/html\r\n") + "x").contains("not text/plain"));
        assertTrue(refused(ok("Content-Type: text/plainx\r\n") + "x").contains("not text/plain"));
        assertTrue(refused(ok("Content-Type: application/octet-stream\r\n") + "x").contains("not text/plain"));
        assertTrue(refused(ok("Content-Type: text/plain, text/html\r\n") + "x").contains("not text/plain"));
        assertTrue(refused(ok("Content-Type: \r\n") + "x").contains("not text/plain"));
        assertEquals("content-type given twice",
                refused(ok("Content-Type: text/plain\r\nContent-type: text/plain\r\n") + "x"));
    }

    static Stream<String> hostile() {
        String t = "Content-Type: text/plain\r\n";
        return Stream.of(
                // status lines
                "", "\r\n", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\n" + t,
                "HTTP/2 200\r\n" + t + "\r\n", "HTTP/1.2 200 OK\r\n" + t + "\r\n", "http/1.1 200 OK\r\n" + t + "\r\n",
                "HTTP/1.1 20 OK\r\n" + t + "\r\n", "HTTP/1.1 2000 OK\r\n" + t + "\r\n",
                "HTTP/1.1  200 OK\r\n" + t + "\r\n", "HTTP/1.1 200OK\r\n" + t + "\r\n", " HTTP/1.1 200 OK\r\n" + t + "\r\n",
                "HTTP/1.1 +20 OK\r\n" + t + "\r\n", "HTTP/1.1 \u0662\u0660\u0660 OK\r\n" + t + "\r\n",
                "SSH-2.0-OpenSSH_9.2\r\n", "HTTP/1.1 200 OK\r" + t + "\r\n", "HTTP/1.1 200 O\rK\r\n" + t + "\r\n",
                "HTTP/1.1 200 OK\u0000\r\n" + t + "\r\n",
                // header lines
                ok(t + " folded: line\r\n"), ok(t + "\tfolded: line\r\n"), ok(t + "No colon\r\n"), ok(t + ": value\r\n"),
                ok(t + "Bad Name: v\r\n"), ok(t + "Content-Length : 1\r\n") + "x", ok(t + "N\u00e4me: v\r\n"),
                ok(t + "X: a\u0000b\r\n"), ok(t + "X: a\u0001b\r\n"), ok(t + "X: a\u007fb\r\n"), ok(t + "X: a\rb\r\n"),
                ok(t + "X: a\r\r\n"), ok(t + "@: v\r\n"), ok(t + "X(y): v\r\n"),
                // framing
                ok(t + "Content-Length: 1\r\nContent-Length: 1\r\n") + "x", ok(t + "Content-Length: 1, 1\r\n") + "x",
                ok(t + "Content-Length: -1\r\n") + "x", ok(t + "Content-Length: +1\r\n") + "x",
                ok(t + "Content-Length: 0x1\r\n") + "x", ok(t + "Content-Length: \r\n") + "x",
                ok(t + "Content-Length: 1 2\r\n") + "x", ok(t + "Content-Length: 99999999999\r\n") + "x",
                ok(t + "Content-Length: 65537\r\n") + "x", ok(t + "Content-Length: 5\r\n") + "abc",
                ok(t + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n") + "3\r\nabc\r\n0\r\n\r\n",
                ok(t + "Transfer-Encoding: gzip, chunked\r\n") + "x", ok(t + "Transfer-Encoding: identity\r\n") + "x",
                ok(t + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n",
                ok(t + "Content-Encoding: gzip\r\n") + "x",
                // chunks
                ok(t + "Transfer-Encoding: chunked\r\n"), ok(t + "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "3\r\nab", ok(t + "Transfer-Encoding: chunked\r\n") + "x\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "\r\n", ok(t + "Transfer-Encoding: chunked\r\n") + "-3\r\nabc",
                ok(t + "Transfer-Encoding: chunked\r\n") + "0x3\r\nabc\r\n0\r\n\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "3 x\r\nabc\r\n0\r\n\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "2\r\nabc\r\n0\r\n\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "3\r\nabc0\r\n\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n0\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "3\r\nabc\r\n0\r\nX: a\u0000\r\n\r\n",
                ok(t + "Transfer-Encoding: chunked\r\n") + "ffffffffffffffffffff\r\nabc",
                ok(t + "Transfer-Encoding: chunked\r\n") + "10001\r\nabc",
                ok(t + "Transfer-Encoding: chunked\r\n") + "\u0663\r\nabc\r\n0\r\n\r\n");
    }

    @ParameterizedTest
    @MethodSource("hostile")
    void hostileOrMalformedResponsesAreRefusedWithAPrintableReason(String response) throws IOException {
        refused(response);
    }

    @Test
    void theHeaderSectionIsAtMost16KiB() throws IOException {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n";
        String filler = "X: " + "a".repeat(MtaStsHttp.MAX_HEAD - head.length() - 2 - 5) + "\r\n";
        assertEquals(MtaStsHttp.MAX_HEAD, (head + filler + "\r\n").length());
        assertEquals("x", body(head + filler + "\r\nx"));
        assertEquals("header section more than 16 KiB", refused(head + "a" + filler + "\r\nx"));
        assertEquals("header section more than 16 KiB", refused(head + "X: y\r\n".repeat(100_000)));
        assertEquals("header section more than 16 KiB", refused("HTTP/1.1 200 " + "O".repeat(1 << 20)));
        // interim responses count too
        assertEquals("header section more than 16 KiB", refused(("HTTP/1.1 100 Continue\r\n"
                + "X: " + "a".repeat(5000) + "\r\n\r\n").repeat(4) + ok("Content-Type: text/plain\r\n")));
    }

    @Test
    void theBodyIsAtMost64KiBHoweverFramed() throws IOException {
        String t = "Content-Type: text/plain\r\n";
        String max = "p".repeat(MAX_BODY);
        assertEquals(MAX_BODY, body(ok(t + "Content-Length: " + MAX_BODY + "\r\n") + max).length());
        assertEquals("body of 65537 bytes, more than 64 KiB", refused(ok(t + "Content-Length: 65537\r\n") + max + "p"));
        assertEquals(MAX_BODY, body(ok(t) + max).length());
        assertEquals("body more than 64 KiB", refused(ok(t) + max + "p"));
        String te = ok(t + "Transfer-Encoding: chunked\r\n");
        assertEquals(MAX_BODY, body(te + "8000\r\n" + max.substring(0, 0x8000) + "\r\n8000\r\n"
                + max.substring(0x8000) + "\r\n0\r\n\r\n").length());
        assertEquals("body more than 64 KiB", refused(te + "8000\r\n" + max.substring(0, 0x8000) + "\r\n8001\r\n"
                + max.substring(0x8000) + "p\r\n0\r\n\r\n"));
        assertEquals("body more than 64 KiB", refused(te + "10001\r\n" + max + "p\r\n0\r\n\r\n"));
        assertEquals("body more than 64 KiB", refused(te + "000000000000000000000000010001\r\n" + max + "p\r\n0\r\n\r\n"));
        // a flood of empty-looking chunk framing is bounded too
        assertEquals("chunk framing and trailer section more than 16 KiB",
                refused(te + "1\r\np\r\n".repeat(20_000) + "0\r\n\r\n"));
        assertEquals("chunk framing and trailer section more than 16 KiB",
                refused(te + "0\r\n" + "X: y\r\n".repeat(10_000) + "\r\n"));
    }

    @Test
    void readsStopAtTheBoundsOfAnEndlessStream() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };
        assertEquals(new MtaStsHttp.Response.Refused("header section more than 16 KiB"), MtaStsHttp.read(endless));
        byte[] head = ok("Content-Type: text/plain\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(new MtaStsHttp.Response.Refused("body more than 64 KiB"),
                MtaStsHttp.read(new SequenceInputStream(new ByteArrayInputStream(head), endless)));
    }

    @Test
    void ioErrorsAndTimeoutsAreThrownNotRefused() {
        InputStream slow = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new SocketTimeoutException("Read timed out");
            }
        };
        assertThrows(SocketTimeoutException.class, () -> MtaStsHttp.read(slow));
    }

    @Test
    void bodyBytesAreReturnedAsSent() throws IOException {
        byte[] body = {(byte) 0xc3, (byte) 0xa9, 0, (byte) 0xff, '\r', '\n'};
        byte[] head = ok("Content-Type: text/plain\r\nContent-Length: 6\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        assertArrayEquals(body, assertInstanceOf(MtaStsHttp.Response.Body.class, read(all)).bytes());
    }
}
