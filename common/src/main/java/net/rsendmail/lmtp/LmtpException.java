package net.rsendmail.lmtp;

import java.io.IOException;

/** The server broke the protocol (bad greeting, malformed reply) or the stream ended early. */
public final class LmtpException extends IOException {
    private static final long serialVersionUID = 1L;

    public LmtpException(String message) {
        super(message);
    }
}
