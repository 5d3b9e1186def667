package net.rsendmail.mail;

/**
 * Exit codes from sysexits.h, the contract between a sendmail program and whatever calls it, with
 * the one table of what each means: its default RFC 3463 status and whether the caller should keep
 * the mail and try again. Modelled on Postfix's sys_exits.c; unlike Postfix, local trouble on the
 * relay (software, OS, file, I/O and configuration errors) is temporary, so that an admin's mistake
 * keeps mail queued instead of bouncing it.
 */
public enum SysExit {
    OK(0, "2.0.0", false),
    USAGE(64, "5.5.4", false),
    DATAERR(65, "5.6.0", false),
    NOINPUT(66, "5.3.0", false),
    NOUSER(67, "5.1.1", false),
    NOHOST(68, "5.1.2", false),
    UNAVAILABLE(69, "5.3.0", false),
    SOFTWARE(70, "4.3.0", true),
    OSERR(71, "4.3.0", true),
    OSFILE(72, "4.3.0", true),
    CANTCREAT(73, "4.3.0", true),
    IOERR(74, "4.3.0", true),
    TEMPFAIL(75, "4.3.0", true),
    PROTOCOL(76, "5.5.0", false),
    NOPERM(77, "5.7.1", false),
    CONFIG(78, "4.3.5", true);

    private final int code;
    private final String status;
    private final boolean temporary;

    SysExit(int code, String status, boolean temporary) {
        this.code = code;
        this.status = status;
        this.temporary = temporary;
    }

    public int code() {
        return code;
    }

    /** The RFC 3463 status this code stands for when nothing more precise is known. */
    public String status() {
        return status;
    }

    /** The sysexits value for {@code code}, or null when it is not one (sysexits.h: 0 and 64..78). */
    public static SysExit of(int code) {
        if (code == 0) {
            return OK;
        }
        if (code < USAGE.code || code > CONFIG.code) {
            return null;
        }
        return values()[code - USAGE.code + 1];
    }

    /**
     * The exit code for a far side's reply (RFC 5321 §4.2 code, RFC 3463 enhanced status, null when
     * it gave none), read from this same table: a 2xx is {@link #OK}, a 4xx {@link #TEMPFAIL}; a 5xx
     * takes the code whose status it is (5.1.1 {@link #NOUSER}, 5.1.2 {@link #NOHOST}, 5.7.1
     * {@link #NOPERM}...), else the code of its subject (RFC 3463 §3: X.1 addressing, X.5 protocol,
     * X.6 content, X.7 security), else {@link #UNAVAILABLE}.
     */
    public static SysExit ofReply(int code, String status) {
        if (code / 100 == 2) {
            return OK;
        }
        if (code / 100 != 5) {
            return TEMPFAIL;
        }
        if (status == null || status.charAt(0) != '5') {
            return UNAVAILABLE;
        }
        for (SysExit e : values()) {
            if (!e.temporary && e != NOINPUT && e != UNAVAILABLE && e.status.equals(status)) {
                return e;
            }
        }
        int dot = status.indexOf('.', 2);
        if (dot < 0) {
            return UNAVAILABLE;
        }
        String subject = status.substring(0, dot + 1); // "5.7."
        for (SysExit e : values()) {
            if (!e.temporary && e != NOINPUT && e != UNAVAILABLE && e.status.equals(subject + "0")) {
                return e;
            }
        }
        switch (subject) {
            case "5.1.": return NOUSER;
            case "5.7.": return NOPERM;
            default: return UNAVAILABLE;
        }
    }

    /** Whether a caller should keep the mail and try again. */
    public boolean isTemporary() {
        return temporary;
    }
}
