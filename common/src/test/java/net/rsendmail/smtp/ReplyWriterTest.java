package net.rsendmail.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReplyWriterTest {
    @Test
    void repliesWaitForTheFlushAndGoOutInOrder() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplyWriter w = new ReplyWriter(out);
        w.add("250 2.1.0 OK");
        w.add("354 go");
        assertEquals(0, out.size(), "nothing before the flush (PIPELINING)");
        w.flush();
        assertEquals("250 2.1.0 OK\r\n354 go\r\n", out.toString(StandardCharsets.UTF_8));
        w.flush();
        assertEquals(22, out.size(), "a second flush writes nothing again");
    }

    @Test
    void fullAfterTheBound() {
        ReplyWriter w = new ReplyWriter(OutputStream.nullOutputStream());
        for (int i = 0; i < ReplyWriter.MAX_PENDING / 10; i++) {
            assertFalse(w.full());
            w.add("500 x"); // 7 octets with CRLF
        }
        for (int i = 0; i < ReplyWriter.MAX_PENDING / 7; i++) {
            w.add("500 x");
        }
        assertTrue(w.full());
    }

    @Test
    void aFarewellNeverWaitsForAStuckWrite() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writing.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS); // a client that stopped reading
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ReplyWriter w = new ReplyWriter(stuck);
        w.add("250 OK");
        Thread session = new Thread(() -> {
            try {
                w.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        session.start();
        assertTrue(writing.await(10, TimeUnit.SECONDS));
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> w.farewell("421 4.4.2 idle timeout, closing"));
        release.countDown();
        session.join(10_000);
        assertFalse(session.isAlive());
    }
}
