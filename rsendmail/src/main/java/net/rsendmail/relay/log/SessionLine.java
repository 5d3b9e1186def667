package net.rsendmail.relay.log;

import net.rsendmail.log.LogSetting;
import net.rsendmail.mail.Printable;

/**
 * The one log line per SSH connection of {@code rsendmail serve}, beside the per-message
 * {@link RequestLine}s: {@code session remote= user= key= [cert_id= serial= ca=] policy=
 * duration_ms= status=} (the cert_ fields for a certificate login). The
 * login name and any client words are escaped, so a client cannot forge log lines.
 */
public final class SessionLine {
    private final String remote;
    private final long started = System.nanoTime();
    private volatile String user = "-";
    private volatile String key = "-";
    private volatile String certificate = "";
    private volatile String policy = "-";
    private volatile String status;
    private volatile boolean failure = true;

    public SessionLine(String remote) {
        this.remote = remote;
    }

    public SessionLine user(String name) {
        this.user = name;
        return this;
    }

    /** The key's fingerprint (SHA256:…). */
    public SessionLine key(String fingerprint) {
        this.key = fingerprint;
        return this;
    }

    /** A certificate login: its key id (escaped: the CA wrote it), serial and CA key fingerprint. */
    public SessionLine certificate(String id, long serial, String caFingerprint) {
        this.certificate = " cert_id=" + Printable.of(String.valueOf(id), 128) + " serial=" + Long.toUnsignedString(serial)
                + " ca=" + caFingerprint;
        return this;
    }

    public SessionLine policy(String name) {
        this.policy = name == null ? "(default)" : name;
        return this;
    }

    /** The first outcome set is kept: a refusal is not overwritten by the disconnect it causes. */
    public synchronized SessionLine outcome(boolean failed, String what) {
        if (status == null) {
            status = what;
            failure = failed;
        }
        return this;
    }

    public String format() {
        long ms = (System.nanoTime() - started) / 1_000_000;
        return "session remote=" + remote + " user=" + Printable.of(user, 64) + " key=" + key + certificate
                + " policy=" + Printable.of(policy) + " duration_ms=" + ms
                + " status=" + Printable.of(status == null ? "closed before exec" : status, 600);
    }

    public void write(LogSetting log) {
        RequestLog.write(log, failure, format());
    }
}
