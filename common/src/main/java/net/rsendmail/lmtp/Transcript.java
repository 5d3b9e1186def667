package net.rsendmail.lmtp;

/**
 * Where the lines of an LMTP dialogue go as they pass, for {@code sendmail -v}: each command and
 * reply line without its CRLF, and the size of a message body, never its text.
 */
public interface Transcript {
    /** Shows nothing. */
    Transcript NONE = new Transcript() {
    };

    default void sent(String line) {
    }

    default void received(String line) {
    }

    default void body(long octets) {
    }
}
