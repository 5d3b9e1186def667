package net.rsendmail.relay.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import net.rsendmail.mail.Refusal;
import org.junit.jupiter.api.Test;

/** smtp_secret_command: the first line of its output, within its timeout, whatever it starts. */
class SecretsTest {
    private static SmtpSettings.Secret command(String script, long millis) {
        return new SmtpSettings.Secret.Command(List.of("/bin/sh", "-c", script), Duration.ofMillis(millis));
    }

    @Test
    void theFirstLineIsTheSecret() throws Refusal {
        assertEquals("s3cret", Secrets.read(command("printf 's3cret\\nignored\\n'", 10_000)));
    }

    @Test
    void aCommandThatFailsIsRefused() {
        Refusal r = assertThrows(Refusal.class, () -> Secrets.read(command("echo no >&2; exit 3", 10_000)));
        assertTrue(r.reason().contains("/bin/sh"), r.reason());
    }

    @Test
    void aGrandchildHoldingStdoutOpenDoesNotOutliveTheTimeout() {
        long t0 = System.nanoTime();
        // the child waits for a background sleep that keeps the output pipe open
        Refusal r = assertThrows(Refusal.class, () -> Secrets.read(command("sleep 30 & wait", 500)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms: " + r.reason());
        assertTrue(r.reason().startsWith("smtp_secret_command /bin/sh"), r.reason());
    }

    @Test
    void aSecretPrintedByACommandWhoseGrandchildLingersComesAtOnce() throws Refusal {
        long t0 = System.nanoTime();
        assertEquals("s3cret", Secrets.read(command("sleep 30 & echo s3cret", 20_000)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms");
    }
}
