package net.rsendmail.relay.serve;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.Relay;
import net.rsendmail.mail.Printable;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * One exec request, run in-process through the relay's one path, {@link Relay#run}, exactly as an
 * OpenSSH forced command runs it: the trusted options come from the key's authorized_keys line
 * (and serve's own --config), the client's command takes the place of SSH_ORIGINAL_COMMAND. The
 * exit code becomes the channel's exit-status (RFC 4254 §6.10).
 */
final class RelayCommand implements Command {
    private final String command;
    private final Path config;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;

    RelayCommand(String command, Path config) {
        this.command = command;
        this.config = config;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        SessionState state = SessionState.of(channel.getSession());
        state.execStarted = true;
        List<String> argv = new ArrayList<>(state.login.trusted());
        if (!argv.contains("--config")) {
            argv.addAll(0, List.of("--config", config.toString()));
        }
        Thread t = new Thread(() -> run(channel, state, argv.toArray(new String[0])), "relay-" + channel.getSession().getIoSession().getId());
        t.setDaemon(true);
        t.start();
    }

    private void run(ChannelSession channel, SessionState state, String[] argv) {
        PrintStream o = new PrintStream(out, false, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, false, StandardCharsets.UTF_8);
        // An idle client ends its own channel, never the server (the relay has logged it).
        Relay relay = new Relay(o, e, () -> channel.close(true));
        int code;
        try {
            code = relay.run(argv, command, in);
        } catch (RuntimeException | Error x) {
            code = SysExit.SOFTWARE.code();
        }
        o.flush();
        e.flush();
        state.line.outcome(code != 0, "exec '" + Printable.of(command, 200) + "' exit " + code);
        exit.onExit(code);
    }

    @Override
    public void destroy(ChannelSession channel) {
        // The relay thread sees the end of its input and ends; nothing is handed over half-read.
    }
}
