package net.rsendmail.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogAppenderTest {
    @Test
    void eachEventReachesTheSinkWithItsSeverityAndBelowTheLeastLevelNothing() {
        List<String> got = new ArrayList<>();
        Logger log = logger((millis, s, m) -> got.add(s.code() + " " + m), null);
        log.error("e");
        log.warn("w {}", 1);
        log.info("i", new IllegalStateException("why"));
        log.debug("d");
        assertEquals(List.of("3 e", "4 w 1", "6 i (java.lang.IllegalStateException: why)"), got);
    }

    @Test
    void aLineTheTargetRefusesGoesToTheFallbackWithTheReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Logger log = logger((millis, s, m) -> {
            throw new AccessDeniedException("/var/log/x.log");
        }, new PrintStream(err, true, StandardCharsets.UTF_8));
        log.warn("id=Q status=deferred\nforged");
        assertEquals("test: cannot write to log /var/log/x.log (Permission denied): WARN id=Q status=deferred\\x0aforged\n",
                err.toString(StandardCharsets.UTF_8));
    }

    private static Logger logger(LogSink sink, PrintStream fallback) {
        LoggerContext ctx = new LoggerContext();
        LogAppender a = new LogAppender("test", new LogTarget.File(java.nio.file.Path.of("/var/log/x.log")), sink,
                Level.INFO, null, fallback);
        a.setContext(ctx);
        a.start();
        Logger l = ctx.getLogger("t");
        l.setLevel(Level.DEBUG);
        l.addAppender(a);
        return l;
    }
}
