package net.rsendmail.client.message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who is sending from where: the login name and the mail domain of this machine. */
public record Identity(String user, String domain) {

    /** {@code configured} if not null, else /etc/mailname, else the kernel's host name, else localhost. */
    public static String domain(String configured) {
        if (configured != null) {
            return configured;
        }
        for (Path p : new Path[] {Path.of("/etc/mailname"), Path.of("/proc/sys/kernel/hostname")}) {
            try {
                String s = Files.readString(p, StandardCharsets.UTF_8).strip();
                int nl = s.indexOf('\n');
                if (nl >= 0) {
                    s = s.substring(0, nl).strip();
                }
                if (!s.isEmpty() && s.matches("[A-Za-z0-9.-]+")) {
                    return s;
                }
            } catch (IOException | RuntimeException e) {
                // next source
            }
        }
        return "localhost";
    }

    public static Identity of(String configuredDomain) {
        String user = System.getProperty("user.name", "nobody");
        if (user.isEmpty() || !user.matches("[A-Za-z0-9._-]+")) {
            user = "nobody";
        }
        return new Identity(user, domain(configuredDomain));
    }

    public String address() {
        return user + "@" + domain;
    }
}
