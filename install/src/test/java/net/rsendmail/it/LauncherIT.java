package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sh launchers of the runnable tree, with a fake java that prints its arguments: they find
 * Java through JAVA_HOME or PATH, work from any directory and through a chain of symlinks, pass
 * every argument through unchanged, and use the CDS archive only when it exists.
 */
class LauncherIT {

    static Path work;
    static Path copy;
    static Path fakeJavaHome;

    @BeforeAll
    static void setUp() throws IOException {
        work = Files2.tempDir("it-launcher");
        copy = work.resolve("opt dir").resolve("rsendmail"); // a blank in the path, on purpose
        Files2.copyTree(Dist.home(), copy);
        fakeJavaHome = work.resolve("fake-jdk");
        Files2.writeExecutable(fakeJavaHome.resolve("bin/java"),
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\nprintf 'LC_ALL=%s\\n' \"${LC_ALL-unset}\"\n"
                + "printf 'CWD=%s\\n' \"$(pwd -P)\"\n"
                + "printf 'JVMENV=%s\\n' \"${JAVA_TOOL_OPTIONS-}${_JAVA_OPTIONS-}${JDK_JAVA_OPTIONS-}${CLASSPATH-}\"\n");
    }

    @AfterAll
    static void tearDown() {
        Files2.deleteTree(work);
    }

    static Proc.Result run(Path launcher, Path cwd, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("/usr/bin/env");
        cmd.add("-i");
        env.forEach((k, v) -> cmd.add(k + "=" + v));
        cmd.add("/bin/sh");
        cmd.add("-c");
        cmd.add("cd " + Files2.shQuote(cwd.toString()) + " && exec \"$0\" \"$@\"");
        cmd.add(launcher.toString());
        cmd.addAll(Arrays.asList(args));
        return Proc.run(cmd, null, Duration.ofSeconds(30), Map.of(), work);
    }

    static List<String> jars(Path home) throws IOException {
        try (Stream<Path> s = Files.list(home.resolve("lib"))) {
            return s.map(Path::toString).filter(n -> n.endsWith(".jar")).sorted().toList();
        }
    }

    @Test
    void findsJavaThroughJavaHomeAndPassesArgumentsThrough() throws IOException {
        Files.deleteIfExists(copy.resolve("lib/rsendmail.jsa"));
        Files.deleteIfExists(copy.resolve("lib/rsendmail.jsa.id"));
        String[] args = {"--config", "/etc/x y.conf", "--policy", "laptop", "", "*", "a'b\"c", "-f", "$(id)"};
        Proc.Result r = run(copy.resolve("bin/rsendmail"), Path.of("/"),
                Map.of("JAVA_HOME", fakeJavaHome.toString(), "PATH", "/usr/bin:/bin"), args);
        assertEquals(0, r.exit(), r::toString);
        List<String> out = List.of(r.out().split("\n", -1));
        int main = out.indexOf("net.rsendmail.relay.Main");
        assertTrue(main > 0, r::toString);
        assertEquals(Arrays.asList(args), out.subList(main + 1, main + 1 + args.length), r::toString);
        assertEquals("LC_ALL=C.UTF-8", out.get(main + 1 + args.length), r::toString);
        assertEquals("CWD=/", out.get(main + 2 + args.length), "the caller's working directory: " + r);
        int cpIndex = out.indexOf("-cp");
        assertEquals(String.join(":", jars(copy)), out.get(cpIndex + 1), r::toString);
        assertTrue(out.contains("-Xint"), "one message per JVM: interpreted: " + r);
        assertTrue(out.contains("-Xlog:cds*=off:stderr"), r::toString);
        assertFalse(out.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), "no archive, no option: " + r);
    }

    @Test
    void jvmOptionsFromTheEnvironmentNeverReachJava() {
        for (String launcher : List.of("bin/rsendmail", "bin/sshsendmail")) {
            Proc.Result r = run(copy.resolve(launcher), work, Map.of("JAVA_HOME", fakeJavaHome.toString(),
                    "PATH", "/usr/bin:/bin", "JAVA_TOOL_OPTIONS", "-javaagent:/tmp/evil.jar",
                    "_JAVA_OPTIONS", "-Xdebug", "JDK_JAVA_OPTIONS", "-Dx=y", "CLASSPATH", "/tmp/evil"), "--version");
            assertTrue(r.out().contains("\nJVMENV=\n"), launcher + ": " + r);
        }
    }

    @Test
    void batchModeGetsTheCompiler() {
        Proc.Result r = run(copy.resolve("bin/rsendmail"), work, Map.of("JAVA_HOME", fakeJavaHome.toString(),
                "PATH", "/usr/bin:/bin", "SSH_ORIGINAL_COMMAND", "rsendmail --lmtp"), "--policy", "laptop");
        List<String> out = List.of(r.out().split("\n"));
        assertTrue(out.contains("-XX:TieredStopAtLevel=1") && !out.contains("-Xint"), r::toString);
    }

    @Test
    void usesTheArchiveOnlyWhenItFitsThisDirectoryAndThisJava() throws IOException {
        Path jsa = copy.resolve("lib/rsendmail.jsa");
        Path id = copy.resolve("lib/rsendmail.jsa.id");
        Path fakeJava = fakeJavaHome.resolve("bin/java");
        Map<String, String> env = Map.of("JAVA_HOME", fakeJavaHome.toString(), "PATH", "/usr/bin:/bin");
        Files.writeString(jsa, "not really an archive");
        try {
            Files.writeString(id, copy.toRealPath() + "\n" + fakeJava + "\n");
            Files.setLastModifiedTime(id, Files.getLastModifiedTime(fakeJava));
            Proc.Result r = run(copy.resolve("bin/rsendmail"), work, env);
            assertTrue(List.of(r.out().split("\n")).contains("-XX:SharedArchiveFile=" + copy.toRealPath().resolve("lib/rsendmail.jsa")), r::toString);

            // another Java build (the java binary's mtime differs): left out
            Files.setLastModifiedTime(id, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000L));
            Proc.Result changed = run(copy.resolve("bin/rsendmail"), work, env);
            assertFalse(changed.out().contains("-XX:SharedArchiveFile"), changed::toString);

            // another directory (the tree was moved): left out
            Files.writeString(id, "/elsewhere\n" + fakeJava + "\n");
            Files.setLastModifiedTime(id, Files.getLastModifiedTime(fakeJava));
            Proc.Result moved = run(copy.resolve("bin/rsendmail"), work, env);
            assertFalse(moved.out().contains("-XX:SharedArchiveFile"), moved::toString);
        } finally {
            Files.deleteIfExists(jsa);
            Files.deleteIfExists(id);
        }
    }

    @Test
    void worksThroughASymlinkChainAndPath() throws IOException {
        Path links = Files.createDirectories(work.resolve("links"));
        Path abs = Files.createSymbolicLink(links.resolve("abs"), copy.resolve("bin/rsendmail"));
        Path sbin = Files.createDirectories(work.resolve("sbin"));
        Files.createSymbolicLink(sbin.resolve("sendmail"), Path.of("../links/abs")); // relative, to a link
        Files.createSymbolicLink(sbin.resolve("sshsendmail"), copy.resolve("bin/sshsendmail"));
        Proc.Result r = run(sbin.resolve("sendmail"), Path.of("/tmp"),
                Map.of("PATH", fakeJavaHome.resolve("bin") + ":/usr/bin:/bin"), "-f", "x@example.org");
        assertEquals(0, r.exit(), r::toString);
        List<String> out = List.of(r.out().split("\n"));
        assertTrue(out.contains("net.rsendmail.relay.Main"), r::toString);
        assertEquals(String.join(":", jars(copy)), out.get(out.indexOf("-cp") + 1), r::toString);
        assertTrue(out.contains("CWD=" + Path.of("/tmp").toRealPath()), "the caller's working directory: " + r);

        // called by its bare name through PATH
        Proc.Result viaPath = Proc.run(List.of("/usr/bin/env", "-i",
                "PATH=" + sbin + ":" + fakeJavaHome.resolve("bin") + ":/usr/bin:/bin", "LANG=en_US.UTF-8",
                "sshsendmail", "-q"), null, Duration.ofSeconds(30), Map.of(), work);
        assertEquals(0, viaPath.exit(), viaPath::toString);
        List<String> out2 = List.of(viaPath.out().split("\n"));
        assertTrue(out2.contains("net.rsendmail.client.Main"), viaPath::toString);
        assertFalse(out2.contains("-XX:TieredStopAtLevel=1"), "the queue runner gets the full JIT: " + viaPath);
        assertTrue(out2.contains("LC_ALL=unset"), "a UTF-8 locale is kept: " + viaPath);
    }

    @Test
    void saysWhenThereIsNoJava() {
        Proc.Result r = run(copy.resolve("bin/rsendmail"), work, Map.of("PATH", "/nonexistent"));
        assertEquals(75, r.exit(), r::toString);
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("4.3.5 rsendmail: no Java runtime found"), r::toString);
    }
}
