package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command: {@code ./demo.sh} runs on {@code rsendmail serve} and sshsendmail,
 * delivers two mails and a bounce, shows the relay refusing a recipient outside the key's policy,
 * stops the server and leaves nothing behind in its temporary directory.
 */
class DemoIT {
    @TempDir
    Path dir;

    @Test
    void demoRunsOnServeAndCleansUp() throws Exception {
        Path demo = Path.of("..", "demo.sh").toAbsolutePath().normalize();
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Proc.Result r = Proc.run(List.of(demo.toString()), null, Duration.ofMinutes(5), Map.of("TMPDIR", tmp.toString()), dir);
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.contains("serve: listening on 127.0.0.1:"), out);
        assertTrue(out.contains("policy=demo mode=lmtp") && out.contains("status=sent"), out);
        assertTrue(out.contains("session remote=127.0.0.1:"), out);
        assertTrue(out.contains("PASS  relay rsendmail@127.0.0.1:") && out.contains("all 6 checks passed"), out);
        assertTrue(out.contains("status=refused 77 5.7.1 recipient not allowed for this key: eve@example.com"), out);
        assertTrue(out.contains("Subject: Undelivered Mail Returned to Sender"), out);
        assertTrue(out.contains("rsendmail serve exited with 143"), out);
        assertTrue(out.contains("Messages delivered: 3:"), out);
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "demo.sh left files behind");
        }
        assertTrue(Proc.find(h -> Proc.commandLine(h).contains(tmp.toString())).isEmpty(), "a demo process is still running");
    }
}
