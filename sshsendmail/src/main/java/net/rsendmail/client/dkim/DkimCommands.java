package net.rsendmail.client.dkim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;

/** {@code --dkim-keygen DOMAIN SELECTOR [ed25519|rsa]} and {@code --dkim-record DOMAIN SELECTOR}. */
public final class DkimCommands {
    private DkimCommands() {
    }

    /**
     * Writes a new key (mode 0600, never over an existing file) to the configured KEYFILE of
     * DOMAIN SELECTOR, else to DOMAIN.SELECTOR.pem here, and prints the DNS record to publish.
     */
    public static int keygen(List<String> args, DkimConfig config, PrintStream out) throws Refusal {
        if (args.size() < 2 || args.size() > 3 || (args.size() == 3 && !List.of("ed25519", "rsa").contains(args.get(2)))) {
            throw Refusal.usage("usage: sshsendmail --dkim-keygen DOMAIN SELECTOR [rsa|ed25519] (rsa is the default)");
        }
        String domain = args.get(0).toLowerCase(Locale.ROOT);
        String selector = args.get(1);
        KeySource configured = config.find(domain, selector);
        if (configured != null && configured.file() == null) {
            throw Refusal.usage(configured.describe() + ": this key comes from a command; make it where the command"
                    + " keeps it");
        }
        Path file = configured != null ? configured.file() : Path.of(domain + "." + selector + ".pem");
        boolean ed = args.size() == 3 && args.get(2).equals("ed25519");
        KeyPair kp;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(ed ? "Ed25519" : "RSA");
            if (!ed) {
                g.initialize(DkimKey.MIN_RSA_BITS);
            }
            kp = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw Refusal.temporary("cannot generate a key: " + e.getMessage());
        }
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (FileAlreadyExistsException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", file + " exists; remove it first or choose a new selector");
        } catch (IOException e) {
            throw new Refusal(SysExit.CANTCREAT, "4.3.0", "cannot write " + file + ": " + e.getMessage());
        }
        DkimKey k = new DkimKey(domain, selector, ed ? DkimKey.Algorithm.ED25519 : DkimKey.Algorithm.RSA,
                kp.getPrivate());
        out.println("; key written to " + file.toAbsolutePath() + " (mode 0600); publish:");
        out.println(record(k));
        if (configured == null) {
            out.println("; and add to sshsendmail.conf (the file readable by the queue's owner only):");
            out.println("; dkim " + domain + " " + selector + " " + file.toAbsolutePath());
        }
        return 0;
    }

    /** Prints the DNS record of the configured key for DOMAIN SELECTOR. */
    public static int record(List<String> args, DkimConfig config, PrintStream out) throws Refusal {
        if (args.size() != 2) {
            throw Refusal.usage("usage: sshsendmail --dkim-record DOMAIN SELECTOR");
        }
        KeySource s = config.find(args.get(0), args.get(1));
        if (s == null) {
            throw Refusal.config("no dkim or dkim_command line for " + args.get(0) + " selector " + args.get(1));
        }
        try {
            out.println(record(s.load()));
        } catch (KeyProblem e) {
            throw Refusal.config(e.getMessage());
        }
        return 0;
    }

    private static String record(DkimKey k) throws Refusal {
        try {
            return k.dnsRecord();
        } catch (GeneralSecurityException e) {
            throw Refusal.temporary("cannot derive the public key of " + k.domain() + " selector " + k.selector()
                    + ": " + e.getMessage());
        }
    }
}
