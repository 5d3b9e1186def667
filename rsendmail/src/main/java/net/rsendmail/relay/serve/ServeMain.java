package net.rsendmail.relay.serve;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.rsendmail.config.ConfigException;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.config.RelayConfig;

/**
 * {@code rsendmail serve [--config FILE]}: runs until SIGTERM or SIGINT. Exit 78 (EX_CONFIG) for a
 * bad config file, 71 (EX_OSERR) when it cannot listen or make a host key. The launcher starts this
 * class for {@code serve}; a client's command can never reach it.
 */
public final class ServeMain {
    private ServeMain() {
    }

    public static void main(String[] args) {
        // MINA logs through SLF4J: its warnings only, not Logback's default debug output.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        Path config = RelayConfig.DEFAULT_FILE;
        if (args.length == 2 && args[0].equals("--config")) {
            config = Path.of(args[1]);
        } else if (args.length != 0) {
            System.err.println("usage: rsendmail serve [--config FILE]");
            System.exit(SysExit.USAGE.code());
        }
        if (System.getenv("SSH_ORIGINAL_COMMAND") != null) {
            System.err.println("rsendmail serve: not as a forced command");
            System.exit(SysExit.USAGE.code());
        }
        Serve serve;
        try {
            serve = Serve.configure(config);
        } catch (ConfigException e) {
            System.err.println("rsendmail serve: " + e.getMessage());
            System.exit(SysExit.CONFIG.code());
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            List<SocketAddress> bound = serve.start();
            System.err.println("rsendmail serve: listening on " + bound);
        } catch (Exception e) {
            System.err.println("rsendmail serve: cannot start: " + e.getMessage());
            System.exit(SysExit.OSERR.code());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                serve.stop();
            } catch (Exception e) {
                // exiting anyway
            }
            stopped.countDown();
        }));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
