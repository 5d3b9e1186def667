package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two Debian packages the build makes, in a throwaway Debian 12 root (mmdebstrap, variant
 * apt, with a Java 17 runtime and the OpenSSH client): {@code dpkg -i} both, configure them from
 * the shipped example configs, send one mail with the package's {@code /usr/sbin/sendmail}
 * through {@code rsendmail serve} of the other package to a recording MTA, then {@code apt-get
 * purge} both and nothing of them is left (files, state, users). lintian finds no error and no
 * warning in either. Needs root (chroot, mount); skipped otherwise.
 */
class PackageIT {
    static final Path DEBS = Path.of(System.getProperty("rsendmail.debs", "target"));
    static final Pattern LISTENING = Pattern.compile("serve: listening on 127\\.0\\.0\\.1:(\\d+)");
    static final String RECORDER = "/usr/local/bin/record-mail";

    static Path work;
    static Path root;
    static boolean procMounted;

    static Path deb(String name) {
        try (var s = Files.list(DEBS)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().matches(Pattern.quote(name) + "_[^_]+_all\\.deb"))
                    .toList();
            assertEquals(1, found.size(), "one " + name + " package in " + DEBS + ": " + found);
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void debianRoot() {
        assumeTrue(Files2.isRoot(), "needs root: chroot and mount");
        work = Files2.tempDir("package-it");
        root = work.resolve("root");
        List<String> c = new ArrayList<>(List.of("mmdebstrap", "--variant=apt", "--mode=root", "--quiet",
                "--include=openjdk-17-jre-headless,openssh-client,adduser", "bookworm", root.toString()));
        // the machine's own Debian mirror configuration, when it has one
        for (Path sources : List.of(Path.of("/etc/apt/sources.list.d/debian.sources"), Path.of("/etc/apt/sources.list"))) {
            if (Files.isRegularFile(sources) && Files2.read(sources).contains("debian")) {
                c.add(sources.toString());
                break;
            }
        }
        Proc.Result r = Proc.run(c, null, Duration.ofMinutes(4), null, work);
        assertEquals(0, r.exit(), r.toString());
        Proc.check(work, "mount", "-t", "proc", "proc", root.resolve("proc").toString());
        procMounted = true;
    }

    @AfterAll
    static void removeRoot() {
        if (root == null) {
            return;
        }
        if (procMounted) {
            Proc.Result r = Proc.run(List.of("umount", root.resolve("proc").toString()), null, Duration.ofSeconds(30),
                    null, work);
            assertEquals(0, r.exit(), r.toString());
        }
        // nothing may be mounted below the root before it is deleted
        assertFalse(Files2.read(Path.of("/proc/self/mountinfo")).contains(" " + root + "/"), "still mounted in " + root);
        if (!Boolean.getBoolean("it.keep")) {
            Files2.deleteTree(work);
        }
    }

    /** A command in the root as root, with a clean environment (none of the test JVM's). */
    static Proc.Result in(byte[] stdin, String... command) {
        List<String> c = new ArrayList<>(List.of("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
                "HOME=/root", "DEBIAN_FRONTEND=noninteractive", "chroot", root.toString()));
        c.addAll(List.of(command));
        return Proc.run(c, stdin, Duration.ofMinutes(2), Map.of(), work);
    }

    static Proc.Result ok(String... command) {
        Proc.Result r = in(null, command);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    static Path at(String path) {
        return root.resolve(path.substring(1));
    }

    /** The paths a package holds, from its data archive ("/usr/sbin/sendmail", ...). */
    static List<String> contents(Path deb) {
        Proc.Result r = Proc.check(work, "dpkg-deb", "--fsys-tarfile", deb.toString());
        Path tar = Files2.write(work.resolve(deb.getFileName() + ".tar"), "");
        try {
            Files.write(tar, r.stdout());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> paths = new ArrayList<>();
        for (String line : Proc.check(work, "tar", "-tf", tar.toString()).out().split("\n")) {
            String p = line.replaceFirst("^\\./", "/").replaceFirst("(.)/$", "$1");
            if (!p.equals("/")) {
                paths.add(p);
            }
        }
        return paths;
    }

    /** Processes whose root directory is the test's root (anything a test started there). */
    static List<ProcessHandle> runningInRoot() {
        return Proc.find(h -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/" + h.pid() + "/root")).equals(root);
            } catch (IOException | UnsupportedOperationException e) {
                return false; // ended meanwhile, or not ours to read
            }
        });
    }

    @Test
    void installConfigureSendOneMailAndPurgeLeavesNothing() throws Exception {
        Path ssm = deb("sshsendmail");
        Path rsj = deb("rsendmail-java");
        Files.copy(ssm, at("/tmp/" + ssm.getFileName()));
        Files.copy(rsj, at("/tmp/" + rsj.getFileName()));
        ok("dpkg", "-i", "/tmp/" + ssm.getFileName(), "/tmp/" + rsj.getFileName());
        Files.delete(at("/tmp/" + ssm.getFileName()));
        Files.delete(at("/tmp/" + rsj.getFileName()));

        // what postinst made: users, the queue with its modes, the key, the state dir
        assertEquals(0, in(null, "getent", "passwd", "sshsendmail").exit());
        assertEquals(0, in(null, "getent", "passwd", "rsendmail").exit());
        assertEquals("711 sshsendmail sshsendmail", ok("stat", "-c", "%a %U %G", "/var/spool/sshsendmail").out().trim());
        assertEquals("3733 sshsendmail sshsendmail",
                ok("stat", "-c", "%a %U %G", "/var/spool/sshsendmail/maildrop").out().trim());
        assertEquals("600 sshsendmail", ok("stat", "-c", "%a %U", "/etc/sshsendmail/id_ed25519").out().trim());
        assertEquals("700 rsendmail", ok("stat", "-c", "%a %U", "/var/lib/rsendmail").out().trim());
        // the units are installed, not enabled
        assertTrue(Files.isRegularFile(at("/usr/lib/systemd/system/sshsendmail.service")));
        assertTrue(Files.isRegularFile(at("/usr/lib/systemd/system/rsendmail-serve.service")));
        assertFalse(Files.exists(at("/etc/systemd/system/multi-user.target.wants/sshsendmail.service"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(at("/etc/systemd/system/multi-user.target.wants/rsendmail-serve.service"),
                LinkOption.NOFOLLOW_LINKS));
        // each unit starts a program the package installed and names man pages it installed
        for (String unit : List.of("sshsendmail.service", "rsendmail-serve.service")) {
            for (String line : Files.readAllLines(at("/usr/lib/systemd/system/" + unit))) {
                if (line.startsWith("ExecStart=")) {
                    String program = line.substring("ExecStart=".length()).split(" ")[0];
                    assertTrue(Files.isExecutable(at(ok("readlink", "-f", program).out().trim())), unit + ": " + line);
                }
                if (line.startsWith("Documentation=")) {
                    for (String doc : line.substring("Documentation=".length()).split(" ")) {
                        Matcher man = Pattern.compile("man:([a-z.-]+)\\(([0-9])\\)").matcher(doc);
                        assertTrue(man.matches(), unit + ": " + doc);
                        if (!man.group(1).equals("sshd")) { // sshd(8): openssh-server's
                            assertTrue(Files.exists(at("/usr/share/man/man" + man.group(2) + "/" + man.group(1) + "."
                                    + man.group(2) + ".gz")), unit + ": " + doc);
                        }
                    }
                }
            }
        }
        // the nullmailer module resolves to the package's launcher
        assertEquals("/usr/share/sshsendmail/bin/sshsendmail-nullmailer",
                ok("readlink", "-f", "/usr/lib/nullmailer/sshsendmail").out().trim());

        // the relay: the shipped /etc/rsendmail.conf, its serve keys uncommented, a recording MTA
        Files2.writeExecutable(at(RECORDER), "#!/bin/sh\nprintf '%s\\n' \"$@\" >/tmp/recorded.args\ncat >/tmp/recorded.msg\n");
        ok("sed", "-i", "-e", "s|^sendmail .*|sendmail " + RECORDER + "|", "-e", "s|^#listen .*|listen 127.0.0.1:0|",
                "-e", "s|^#host_key |host_key |", "-e", "s|^#authorized_keys |authorized_keys |",
                "-e", "s|^#log journal|log /var/lib/rsendmail/serve.log|", "/etc/rsendmail.conf");
        String pub = Files2.read(at("/etc/sshsendmail/id_ed25519.pub")).trim();
        Files2.write(at("/etc/rsendmail/authorized_keys"),
                "restrict,command=\"/usr/share/rsendmail-java/bin/rsendmail --policy default\" " + pub + "\n");
        Process serve = new ProcessBuilder("env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "chroot", root.toString(),
                "setpriv", "--reuid=rsendmail", "--regid=rsendmail", "--init-groups",
                "/usr/sbin/rsendmail-java", "serve", "--config", "/etc/rsendmail.conf")
                .redirectErrorStream(true).redirectOutput(work.resolve("serve.out").toFile()).start();
        try {
            Path log = at("/var/lib/rsendmail/serve.log");
            Wait.until(() -> Files.exists(log) && LISTENING.matcher(Files2.read(log)).find(), Duration.ofSeconds(60),
                    () -> "serve did not start: " + Files2.read(work.resolve("serve.out")));
            Matcher m = LISTENING.matcher(Files2.read(log));
            assertTrue(m.find());
            String port = m.group(1);
            String hostKey = Files2.read(at("/var/lib/rsendmail/ssh_host_ed25519_key.pub")).trim();

            // the sending side: the shipped /etc/sshsendmail.conf pointed at that relay
            ok("sed", "-i", "-e", "s|^relay .*|relay rsendmail@127.0.0.1:" + port + "|", "-e", "$a background no",
                    "/etc/sshsendmail.conf");
            Files2.write(at("/etc/sshsendmail/known_hosts"), "[127.0.0.1]:" + port + " " + hostKey + "\n");
            byte[] mail = "From: Alice <alice@example.org>\nTo: bob@example.net\nSubject: from the package\n\nhello\n"
                    .getBytes(StandardCharsets.UTF_8);
            Proc.Result send = in(mail, "/usr/sbin/sendmail", "-i", "-f", "alice@example.org", "bob@example.net");
            assertEquals(0, send.exit(), send.toString());
            // root's mail waits in the maildrop for the queue's owner
            assertTrue(ok("mailq").out().contains("1 waiting in the maildrop"), "mailq before the flush");
            Proc.Result flush = in(null, "/usr/lib/sendmail", "-q");
            assertEquals(0, flush.exit(), flush + "\n--- serve:\n" + Files2.read(log));

            assertEquals("-oi\n-f\nalice@example.org\n--\nbob@example.net\n", Files2.read(at("/tmp/recorded.args")));
            String got = Files2.read(at("/tmp/recorded.msg"));
            assertTrue(got.contains("Subject: from the package\n") && got.endsWith("\nhello\n"), got);
            assertEquals("Mail queue is empty\n", ok("mailq").out(), "delivered: nothing left queued");
            assertEquals(0, in(null, "newaliases").exit());
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
        Proc.awaitGone(h -> runningInRoot().contains(h), Duration.ofSeconds(10), "processes in the root");
        Files.delete(at(RECORDER));
        Files.delete(at("/tmp/recorded.args"));
        Files.delete(at("/tmp/recorded.msg"));

        ok("apt-get", "purge", "-y", "sshsendmail", "rsendmail-java");

        // every file of both packages is gone; a directory may stay only when another package has it
        List<String> left = new ArrayList<>();
        for (Path deb : List.of(ssm, rsj)) {
            for (String p : contents(deb)) {
                if (!Files.exists(at(p), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!Files.isDirectory(at(p), LinkOption.NOFOLLOW_LINKS) || in(null, "dpkg", "-S", p).exit() != 0) {
                    left.add(p);
                }
            }
        }
        assertEquals(List.of(), left, "left after purge");
        assertEquals("", ok("find", "/", "-xdev", "(", "-name", "*sshsendmail*", "-o", "-name", "*rsendmail*", ")",
                "-print").out(), "files named after the packages");
        for (String gone : List.of("/etc/sshsendmail", "/etc/rsendmail", "/var/spool/sshsendmail", "/var/lib/rsendmail",
                "/etc/sshsendmail.conf", "/etc/rsendmail.conf")) {
            assertFalse(Files.exists(at(gone), LinkOption.NOFOLLOW_LINKS), gone + " left after purge");
        }
        for (String name : List.of("sshsendmail", "rsendmail")) {
            assertEquals(2, in(null, "getent", "passwd", name).exit(), "user " + name + " left");
            assertEquals(2, in(null, "getent", "group", name).exit(), "group " + name + " left");
        }
        assertEquals("", ok("dpkg-query", "-W", "-f", "${db:Status-Abbrev}${binary:Package}\\n").out().lines()
                .filter(l -> l.endsWith("sshsendmail") || l.endsWith("rsendmail-java")).reduce("", String::concat));
    }

    @Test
    void lintianFindsNoErrorAndNoWarning() {
        Proc.Result r = Proc.run(List.of("lintian", "--fail-on", "error,warning", "--no-tag-display-limit",
                deb("sshsendmail").toString(), deb("rsendmail-java").toString()), null, Duration.ofMinutes(3), null, work);
        List<String> bad = r.out().lines().filter(l -> l.startsWith("E: ") || l.startsWith("W: ")).toList();
        assertEquals(List.of(), bad, r.toString());
        assertEquals(0, r.exit(), r.toString());
    }
}
