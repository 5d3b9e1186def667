package net.rsendmail.queue;

/**
 * A queue operation failed. {@link #exitCode()} gives the sysexits(3) code for a sendmail-style
 * client: 73 (EX_CANTCREAT) when the queue cannot be written at all (read-only file system,
 * permission denied, queue directory missing), 74 (EX_IOERR) when writing failed on the way
 * (disk full, I/O error). Whatever the kind, a failed enqueue leaves no visible entry.
 */
public class QueueException extends Exception {

    public enum Kind {
        /** ENOSPC or EDQUOT. */
        NO_SPACE(74, "4.3.1"),
        /** EROFS. */
        READ_ONLY(73, "4.3.0"),
        /** EACCES/EPERM on the queue's own files. */
        PERMISSION(73, "4.3.0"),
        /** The queue directory or one of its parts is missing or not a directory. */
        NOT_FOUND(73, "4.3.0"),
        /** Reading the message from the caller failed (e.g. broken pipe on stdin). */
        INPUT(74, "4.3.0"),
        /** A claim was taken back by recovery (the runner was too slow) or its entry vanished. */
        CLAIM_LOST(75, "4.3.0"),
        /** The queue's {@link Admission} refused it for now (e.g. a DKIM key that cannot be used). */
        NOT_ADMITTED(78, "4.7.0"),
        /** Any other I/O error. */
        IO(74, "4.3.0");

        private final int exitCode;
        private final String status;

        Kind(int exitCode, String status) {
            this.exitCode = exitCode;
            this.status = status;
        }
    }

    private final Kind kind;

    public QueueException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isNoSpace() {
        return kind == Kind.NO_SPACE;
    }

    public boolean isReadOnly() {
        return kind == Kind.READ_ONLY;
    }

    /** sysexits(3) code: 73 EX_CANTCREAT, 74 EX_IOERR, 78 EX_CONFIG for NOT_ADMITTED (75 EX_TEMPFAIL only for CLAIM_LOST, a runner's concern). */
    public int exitCode() {
        return kind.exitCode;
    }

    /** RFC 3463 code for the one-line message: 4.3.1 "mail system full" or 4.3.0 "other mail system problem". */
    public String enhancedStatus() {
        return kind.status;
    }
}
