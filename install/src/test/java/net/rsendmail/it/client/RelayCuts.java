package net.rsendmail.it.client;

import java.nio.file.Path;
import net.rsendmail.it.Files2;

/**
 * Forced-command wrappers that cut the relay's channel once, at a chosen point of an LMTP
 * transaction, around the real relay. Each runs the relay with its stdin, stdout and stderr
 * through the wrapper (the relay logs to stderr, which the wrapper appends to relay.log) and cuts
 * only once (relay.log.cut marks it): later sessions pass everything on.
 */
final class RelayCuts {
    private RelayCuts() {
    }

    /**
     * Passes everything on until the relay has answered a message after DATA; that answer is
     * withheld, the relay's stdin is closed (it ends its session as after a lost link) and the
     * channel closes without it: the relay handed the message over, the client never hears so.
     */
    static void afterData(World w) {
        install(w, "cut-after-data", """
            threading.Thread(target=requests, daemon=True).start()
            in_data = False
            for line in relay.stdout:
                if cut and in_data and line[3:4] == b' ':
                    open(CUT, 'w').close()
                    break  # the relay's answer to the message: never forwarded
                os.write(1, line)
                in_data = in_data or line.startswith(b'354')
            relay.stdin.close()
            finish()
            """);
    }

    /**
     * Passes everything on until the relay's 354; of the client's next chunk (the message) only
     * the first half reaches the relay, which is then killed: the channel closes in the middle of
     * the message, before its final dot, so the relay hands nothing over.
     */
    static void insideData(World w) {
        install(w, "cut-inside-data", """
            in_data = threading.Event()
            def forward(b):
                if cut and in_data.is_set():
                    relay.stdin.write(b[:len(b) // 2]); relay.stdin.flush()
                    open(CUT, 'w').close()
                    relay.kill()
                    finish()
                return b
            threading.Thread(target=requests, daemon=True).start()
            for line in relay.stdout:
                if line.startswith(b'354'):
                    in_data.set()  # before the 354 goes out: the message comes after it
                os.write(1, line)
            finish()
            """);
    }

    /** The relay's lines in relay.log (stderr, through the wrapper). */
    static String relayLog(World w) {
        return Files2.read(w.dir.resolve("relay.log"));
    }

    private static void install(World w, String name, String body) {
        Path log = w.dir.resolve("relay.log");
        Files2.write(w.relayConf, Files2.read(w.relayConf).replace("log " + log, "log stderr"));
        Path script = Files2.writeExecutable(w.dir.resolve(name), String.join("\n",
                "#!/usr/bin/python3",
                "import os, subprocess, sys, threading",
                "log = open(sys.argv[1], 'ab', buffering=0)",
                "CUT = sys.argv[1] + '.cut'",
                "relay = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE,",
                "                         stderr=subprocess.PIPE)",
                "def forward(b):  # what of the client's bytes reaches the relay",
                "    return b",
                "def requests():",
                "    while True:",
                "        b = os.read(0, 65536)",
                "        if not b:",
                "            break",
                "        try:",
                "            relay.stdin.write(forward(b)); relay.stdin.flush()",
                "        except (BrokenPipeError, ValueError):",
                "            break",
                "    try:",
                "        relay.stdin.close()  # the client is gone: so is the relay's input",
                "    except (BrokenPipeError, ValueError):",
                "        pass",
                "def stderr():",
                "    for b in iter(lambda: os.read(relay.stderr.fileno(), 65536), b''):",
                "        log.write(b); os.write(2, b)",
                "err = threading.Thread(target=stderr); err.start()",
                "def finish():",
                "    relay.wait(timeout=30); err.join(timeout=30); os._exit(0)",
                "cut = not os.path.exists(CUT)",
                body));
        w.forceCommand(script + " " + log + " " + w.relayCommand());
    }
}
