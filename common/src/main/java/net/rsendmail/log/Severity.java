package net.rsendmail.log;

/**
 * The syslog severities a log line can have (RFC 5424 §6.2.1; the journal's PRIORITY field), with
 * the word a text log line shows.
 */
public enum Severity {
    ERROR(3, "ERROR"),
    WARNING(4, "WARN"),
    INFO(6, "INFO"),
    DEBUG(7, "DEBUG");

    /** syslog(3)'s facility LOG_MAIL: both programs log where the MTA's lines are. */
    public static final int FACILITY_MAIL = 2;

    private final int code;
    private final String word;

    Severity(int code, String word) {
        this.code = code;
        this.word = word;
    }

    /** The number: 3 err, 4 warning, 6 info, 7 debug. */
    public int code() {
        return code;
    }

    /** As text lines show it: ERROR, WARN, INFO, DEBUG. */
    public String word() {
        return word;
    }
}
