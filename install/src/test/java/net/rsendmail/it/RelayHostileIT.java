package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile client commands, sent with the real ssh client to the relay behind a real
 * {@code restrict,command=} key: each one ends with exit 64 (EX_USAGE), one line on stderr that
 * names the offending word, nothing on stdout, one log line, and the relay's sendmail (a
 * recording stub here) is never run.
 */
class RelayHostileIT {

    static PrivateSshd sshd;
    static Path work;
    static Path log;
    static RecordingSendmail stub;
    static PrivateSshd.ClientKey key;
    static final String LONG = "x".repeat(20_000);

    @BeforeAll
    static void start() throws IOException {
        sshd = PrivateSshd.start();
        work = Files2.tempDir("it-hostile");
        stub = new RecordingSendmail(work.resolve("stub"));
        log = work.resolve("rsendmail.log");
        Files.createDirectories(work.resolve("state"));
        Path config = new RelayConfig()
                .set("sendmail", stub.path())
                .set("log", log)
                .set("state_dir", work.resolve("state"))
                .set("spool_dir", work)
                .policy("laptop", "senders a@example.org", "allow_t yes")
                .policy("other", "allow_t yes")
                .write(work.resolve("rsendmail.conf"));
        key = sshd.addKey("laptop", PrivateSshd.forcedCommand(
                Dist.rsendmail() + " --config " + config + " --policy laptop"));
    }

    @AfterAll
    static void stop() {
        if (sshd != null) {
            sshd.close();
        }
        Files2.deleteTree(work);
    }

    /** The client's command string (sent verbatim) and a fragment the one error line must contain. */
    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("rsendmail -bp", "-bp"),
                Arguments.of("rsendmail -q", "-q"),
                Arguments.of("rsendmail -q30m", "-q30m"),
                Arguments.of("rsendmail -bd", "-bd"),
                Arguments.of("rsendmail -bi", "-bi"),
                Arguments.of("rsendmail -bs", "-bs"),
                Arguments.of("rsendmail -C/etc/passwd -f a@example.org -- b@example.org", "-C/etc/passwd"),
                Arguments.of("rsendmail -C /etc/passwd b@example.org", "-C"),
                Arguments.of("rsendmail -X/tmp/traffic.log b@example.org", "-X/tmp/traffic.log"),
                Arguments.of("rsendmail -O QueueDirectory=/tmp b@example.org", "-O"),
                Arguments.of("rsendmail -oQ/tmp b@example.org", "-oQ/tmp"),
                Arguments.of("rsendmail -d0.1 b@example.org", "-d0.1"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org; rm -rf /", ";"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org $(id)", "$"),
                Arguments.of("rsendmail -f a@example.org -- `id`@example.org", "`"),
                Arguments.of("rsendmail -f a@example.org -- \"$HOME\"@example.org", "$"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org | cat", "|"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org > /tmp/out", ">"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org < /etc/passwd", "<"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org & id", "&"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org #comment", "#"),
                Arguments.of("rsendmail -f a@example.org -- *@example.org", "*"),
                Arguments.of("sh -c id", "sh"),
                Arguments.of("scp -t /tmp", "scp"),
                Arguments.of("id", "id"),
                Arguments.of("rsendmail-evil -bp", "rsendmail-evil"),
                Arguments.of("/tmp/x/../rsendmail;id", ";"),
                Arguments.of("rsendmail --config /tmp/x b@example.org", "--config"),
                Arguments.of("rsendmail --policy other b@example.org", "--policy"),
                Arguments.of("rsendmail --config=/tmp/x b@example.org", "--config=/tmp/x"),
                Arguments.of("rsendmail --help me", "--help"),
                Arguments.of("rsendmail --lmtp -bp", "--lmtp"),
                Arguments.of("rsendmail -f a@example.org -- -oQ/tmp", "-oQ/tmp"),
                Arguments.of("rsendmail -f a@example.org -- -bp@example.org", "-bp@example.org"),
                Arguments.of("rsendmail '-bp'", "-bp"),
                Arguments.of("rsendmail \"-bp\"", "-bp"),
                Arguments.of("rsendmail \\-bp", "-bp"),
                Arguments.of("rsendmail -t'-bp'", "-t-bp"),
                Arguments.of("rsendmail -V -bp b@example.org", "-bp"),
                Arguments.of("rsendmail -f -bp b@example.org", "-bp"),
                Arguments.of("rsendmail -f a@example.org -- 'b@example.org -bp'", "b@example.org -bp"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org\n-bp", "newline"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org\nrm -rf /", "newline"),
                Arguments.of("rsendmail -f a@example.org -- 'b@example.org\n-bp'", "newline"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org\r", "newline"),
                Arguments.of("rsendmail -f a@example.org -- b@example.org\u0007", "control character"),
                Arguments.of("rsendmail -f a@example.org -- '" + LONG + "@example.org'", "xxxxxxxx"));
    }

    /** The control: a valid request through the same key does run the stub, so "never run" means something. */
    @Test
    void validRequestRunsTheStub() {
        stub.clear();
        Proc.Result r = sshd.ssh(key, "rsendmail -f a@example.org -- b@example.org",
                Messages.plain("a@example.org", "b@example.org", "control"));
        assertEquals(0, r.exit(), r::toString);
        assertEquals(1, stub.calls().size());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostile")
    void refusedWithUsage(String command, String named) throws IOException {
        stub.clear();
        int logBefore = Files.exists(log) ? Files.readAllLines(log).size() : 0;
        Proc.Result r = sshd.ssh(key, command, Messages.plain("a@example.org", "b@example.org", "hostile"));
        assertEquals(64, r.exit(), r::toString);
        assertEquals("", r.out(), r::toString);
        List<String> err = r.errLines();
        assertEquals(1, err.size(), r::toString);
        assertTrue(err.get(0).matches("5\\.[0-9]\\.[0-9]+ .+"), () -> "not an enhanced status line: " + r);
        assertTrue(err.get(0).contains(named), () -> "does not name '" + named + "': " + r);
        assertEquals(List.of(), stub.calls(), "the relay's sendmail ran");
        List<String> lines = Files.readAllLines(log);
        assertEquals(logBefore + 1, lines.size(), () -> "one log line per request: " + lines);
        assertTrue(lines.get(lines.size() - 1).contains("refused 64"), lines::toString);
    }
}
