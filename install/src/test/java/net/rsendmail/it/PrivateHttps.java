package net.rsendmail.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's python3 as an HTTPS server (http.server and ssl) on a given 127.0.0.x address and port
 * (443 for an MTA-STS policy host: the tests run as root), in a directory of the test: it serves
 * one body at {@code /.well-known/mta-sts.txt} with {@code Content-Type: text/plain} and a
 * Content-Length, 404 for any other path, with the given PEM certificate (chain) and PKCS#8 key.
 * Requests are logged to {@code https.log}. {@link #close} stops it with SIGTERM and waits for it.
 */
public final class PrivateHttps implements AutoCloseable {
    public static final String PYTHON = "/usr/bin/python3";
    public static final String PATH = "/.well-known/mta-sts.txt";

    private static final String SCRIPT = """
            import http.server, ssl, sys
            address, port, body_file, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
            body = open(body_file, 'rb').read()

            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = 'HTTP/1.1'
                timeout = 10

                def setup(self):
                    self.request.settimeout(self.timeout)
                    self.request.do_handshake()  # in this thread: a client that stalls holds up no other
                    super().setup()

                def do_GET(self):
                    if self.path != '%s':
                        self.send_error(404)
                        return
                    self.send_response(200)
                    self.send_header('Content-Type', 'text/plain')
                    self.send_header('Content-Length', str(len(body)))
                    self.send_header('Connection', 'close')
                    self.end_headers()
                    self.wfile.write(body)
                    self.close_connection = True

                def log_message(self, fmt, *args):
                    sys.stderr.write('%%s %%s\\n' %% (self.address_string(), fmt %% args))
                    sys.stderr.flush()

            class Server(http.server.ThreadingHTTPServer):
                daemon_threads = True

                def handle_error(self, request, client_address):
                    sys.stderr.write('%%s: %%s\\n' %% (client_address[0], sys.exc_info()[1]))
                    sys.stderr.flush()

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server = Server((address, port), Handler)
            server.socket = context.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            sys.stderr.write('listening on %%s port %%d\\n' %% (address, port))
            sys.stderr.flush()
            server.serve_forever()
            """.formatted(PATH);

    public final Path dir;
    public final String address;
    public final int port;
    private final Process process;

    /** Serves {@code body} (written to {@code dir/mta-sts.txt}) on {@code address}:{@code port}. */
    public PrivateHttps(Path dir, String address, int port, String body, Path cert, Path key) {
        this.dir = dir;
        this.address = address;
        this.port = port;
        Path script = Files2.write(dir.resolve("https.py"), SCRIPT);
        Path file = Files2.write(dir.resolve("mta-sts.txt"), body);
        try {
            process = new ProcessBuilder(PYTHON, script.toString(), address, String.valueOf(port), file.toString(),
                    cert.toString(), key.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("https.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Wait.until(() -> !process.isAlive() || log().contains("listening on") && accepts(),
                    Duration.ofSeconds(20), () -> "python3 HTTPS server on " + address + ":" + port + ": " + log());
        } catch (AssertionError e) {
            stop();
            throw e;
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("python3 HTTPS server on " + address + ":" + port + " ended: " + log());
        }
    }

    /** A TCP connection is accepted (closed at once; the server logs the failed handshake). */
    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What the server wrote: its start, each request ("ADDRESS "GET /path HTTP/1.1" 200 -"), errors. */
    public String log() {
        return Files2.read(dir.resolve("https.log"));
    }

    private void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("python3 " + process.pid() + " did not end");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
