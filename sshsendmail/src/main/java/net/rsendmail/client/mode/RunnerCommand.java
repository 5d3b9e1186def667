package net.rsendmail.client.mode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The command line of a runner ({@code sshsendmail --runner} or {@code -q}): through bin/sshsendmail when known (JVM options,
 * start-up archive), else this JVM. From root, for a queue root does not own, it runs as the
 * queue's owner (setpriv(1): uid of the queue directory, its group, the owner's groups): a
 * runner works only as the owner, so that everything in the queue stays the owner's.
 */
public final class RunnerCommand {
    static final String SETPRIV = "/usr/bin/setpriv";

    private RunnerCommand() {
    }

    /**
     * @param owner the queue directory whose owner to switch to, or null to run as we are
     * @param explicitConfig -C FILE for the runner, or null
     */
    public static List<String> of(Path owner, Path explicitConfig, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (owner != null) {
            Map<String, Object> a = Files.readAttributes(owner, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
            cmd.add(SETPRIV);
            cmd.add("--reuid=" + Integer.toUnsignedString((Integer) a.get("uid")));
            cmd.add("--regid=" + Integer.toUnsignedString((Integer) a.get("gid")));
            cmd.add("--init-groups");
            cmd.add("--");
        }
        String launcher = System.getProperty("sshsendmail.launcher");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            cmd.add(launcher);
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-XX:-UsePerfData");
            cmd.add("-Xshare:auto");
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add("net.rsendmail.client.Main");
        }
        // -C first: args may end in words (queue ids) after which no option is read
        if (explicitConfig != null) {
            cmd.add("-C");
            cmd.add(explicitConfig.toAbsolutePath().toString());
        }
        cmd.addAll(List.of(args));
        return cmd;
    }
}
