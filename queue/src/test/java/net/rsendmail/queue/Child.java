package net.rsendmail.queue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A child JVM whose complete stdout lines are collected as they arrive. */
final class Child {
    final Process process;
    final Path stderr;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;

    Child(ProcessBuilder pb, Path stderr) throws IOException {
        this.stderr = stderr;
        pb.redirectError(stderr.toFile());
        this.process = pb.start();
        this.reader = new Thread(this::read, "child-out-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(process.getInputStream())) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String s = line.toString(StandardCharsets.UTF_8);
                    lines.add(s);
                    if (s.equals("READY")) {
                        ready.countDown();
                    }
                    line.reset();
                } else {
                    line.write(c);
                }
            }
            // an unterminated last line was cut by the kill: ignored
        } catch (IOException e) {
            // process gone
        }
    }

    void awaitReady() throws Exception {
        if (!ready.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child never got ready: " + errors());
        }
    }

    /**
     * SIGKILL, reap, and collect the remaining output. Through the ProcessHandle: the same
     * signal, but Process.destroyForcibly() would also close our end of the child's stdout
     * and drop the lines still in the pipe.
     */
    List<String> kill() throws Exception {
        process.toHandle().destroyForcibly();
        return finish();
    }

    List<String> finish() throws Exception {
        process.waitFor();
        reader.join(10_000);
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    String errors() {
        try {
            return Files.readString(stderr);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
