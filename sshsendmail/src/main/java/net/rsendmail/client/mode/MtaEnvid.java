package net.rsendmail.client.mode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The ENVID (RFC 3461) of a synchronous delivery (Postfix pipe, nullmailer): the MTA's own id for
 * the message (Postfix's queue id, nullmailer's queue file name), which stays the same across the
 * MTA's retries, so that a retry after a lost acknowledgement is answered from the relay's
 * exactly-once record instead of being handed over again. Behind a tag of this machine, because
 * short Postfix queue ids repeat across the hosts that share a relay policy:
 * {@code postfix.TAG.QUEUEID}. Only letters, digits, '.', '_' and '-' reach the relay, so the value
 * is its own xtext (RFC 3461 §4) and a plain word in the relay's argv and log.
 */
public final class MtaEnvid {
    /** RFC 3461 §4.4: at most 100 characters. */
    static final int MAX = 100;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final int TAG_HEX = 16;

    private MtaEnvid() {
    }

    /** {@code MTA.TAG.ID}, or {@link IllegalArgumentException} saying what is wrong with {@code id}. */
    public static String of(String mta, String machineTag, String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("empty message id");
        }
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("message id may hold only letters, digits, '.', '_' and '-' "
                    + "(and start with a letter or digit)");
        }
        String envid = mta + "." + machineTag + "." + id;
        if (envid.length() > MAX) {
            throw new IllegalArgumentException("message id longer than " + (MAX - mta.length() - machineTag.length() - 2)
                    + " characters (RFC 3461 §4.4: an ENVID has at most " + MAX + ")");
        }
        return envid;
    }

    /**
     * This machine's tag: a hash of systemd's machine-id (machine-id(5): unique, and not to be
     * shown as it is), or of the host name where there is none.
     */
    public static String machineTag(String machineId, String hostName) {
        String source = machineId != null && !machineId.isBlank() ? "machine-id " + machineId.strip()
                : "host " + hostName.strip();
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h).substring(0, TAG_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java", e);
        }
    }

    /** {@link #machineTag(String, String)} of this machine (/etc/machine-id, else the kernel's host name). */
    public static String machineTag() {
        return machineTag(read(Path.of("/etc/machine-id")), read(Path.of("/proc/sys/kernel/hostname")));
    }

    /**
     * nullmailer's id for the message on descriptor 3: the queue file's name when nullmailer-send
     * passed the file itself ({@code /var/spool/nullmailer/queue/NAME}), else null (a pipe: no id
     * that survives a retry).
     */
    public static String nullmailerId(Path fd3) {
        Path target;
        try {
            target = Files.readSymbolicLink(fd3);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        return queueFileName(target.toString());
    }

    /** The file name of {@code target} when it is a file directly in a directory named {@code queue}, else null. */
    static String queueFileName(String target) {
        if (!target.startsWith("/")) {
            return null; // pipe:[…], socket:[…], anon_inode:…
        }
        Path p = Path.of(target);
        Path parent = p.getParent();
        if (parent == null || parent.getFileName() == null || !parent.getFileName().toString().equals("queue")
                || p.getFileName() == null) {
            return null;
        }
        return p.getFileName().toString();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
