package net.rsendmail.mail;

/** Exit codes from sysexits.h, the contract between a sendmail program and whatever calls it. */
public enum SysExit {
    OK(0),
    USAGE(64),
    DATAERR(65),
    NOINPUT(66),
    NOUSER(67),
    NOHOST(68),
    UNAVAILABLE(69),
    SOFTWARE(70),
    OSERR(71),
    OSFILE(72),
    CANTCREAT(73),
    IOERR(74),
    TEMPFAIL(75),
    PROTOCOL(76),
    NOPERM(77),
    CONFIG(78);

    private final int code;

    SysExit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
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

    /** Whether a caller should keep the mail and try again (sendmail(8): only EX_TEMPFAIL is temporary). */
    public boolean isTemporary() {
        return this == TEMPFAIL;
    }
}
