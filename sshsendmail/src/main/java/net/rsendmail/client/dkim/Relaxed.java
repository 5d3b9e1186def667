package net.rsendmail.client.dkim;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Locale;

/** The "relaxed" canonicalizations of RFC 6376 §3.4.2 (header) and §3.4.4 (body), on raw bytes (8-bit kept). */
final class Relaxed {
    private static final byte[] CRLF = {'\r', '\n'};

    private Relaxed() {
    }

    private static boolean wsp(byte b) {
        return b == ' ' || b == '\t';
    }

    /**
     * One header field: name lowercased, unfolded, white space runs as one SP, none around the
     * colon or at the end (§3.4.2); {@code colon} is the offset of its colon, {@code end} excludes nothing.
     */
    static byte[] header(String name, byte[] m, int colon, int end, boolean withCrlf) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(end - colon + name.length() + 2);
        out.writeBytes(name.strip().toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(':');
        boolean pendingSpace = false;
        boolean started = false;
        for (int i = colon + 1; i < end; i++) {
            byte b = m[i];
            if (b == '\r' || b == '\n') {
                continue; // unfold
            }
            if (wsp(b)) {
                pendingSpace = started;
                continue;
            }
            if (pendingSpace) {
                out.write(' ');
                pendingSpace = false;
            }
            out.write(b);
            started = true;
        }
        if (withCrlf) {
            out.writeBytes(CRLF);
        }
        return out.toByteArray();
    }

    /**
     * Feeds the relaxed body (§3.4.4) of {@code m[from, to)} to {@code d}: white space runs as one
     * SP, none at line ends, trailing empty lines removed, a missing final CRLF added. LF alone
     * ends a line too (the local submission form).
     */
    static void body(byte[] m, int from, int to, MessageDigest d) {
        int emptyLines = 0;
        int i = from;
        while (i < to) {
            int nl = i;
            while (nl < to && m[nl] != '\n') {
                nl++;
            }
            int e = nl;
            if (e > i && m[e - 1] == '\r') {
                e--;
            }
            while (e > i && wsp(m[e - 1])) {
                e--;
            }
            if (e == i) {
                emptyLines++;
            } else {
                for (; emptyLines > 0; emptyLines--) {
                    d.update(CRLF);
                }
                int run = i;
                boolean inWsp = false;
                for (int j = i; j < e; j++) {
                    if (!wsp(m[j])) {
                        inWsp = false;
                        continue;
                    }
                    if (!inWsp) {
                        d.update(m, run, j - run);
                        d.update((byte) ' ');
                        inWsp = true;
                    }
                    run = j + 1;
                }
                d.update(m, run, e - run);
                d.update(CRLF);
            }
            i = nl < to ? nl + 1 : to;
        }
    }
}
