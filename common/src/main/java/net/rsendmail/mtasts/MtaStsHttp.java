package net.rsendmail.mtasts;

import net.rsendmail.mail.Printable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The response to our {@code GET /.well-known/mta-sts.txt} (HTTP/1.1, RFC 9112), read with bounds:
 * the status line and header section at most {@link #MAX_HEAD} bytes, the body at most
 * {@link MtaStsPolicy#MAX_BYTES}. Only 200 is a policy (RFC 8461 §3.3: redirects are not followed)
 * and only {@code text/plain} (§3.2). The body comes by Content-Length, chunked, or up to the close.
 */
final class MtaStsHttp {
    static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = MtaStsPolicy.MAX_BYTES;
    /** Interim (1xx) responses skipped before the final one. */
    private static final int MAX_INTERIM = 4;

    /** The body of a 200 text/plain response, or why there is none. */
    sealed interface Response permits Response.Body, Response.Refused {
        record Body(byte[] bytes) implements Response {
        }

        record Refused(String reason) implements Response {
        }
    }

    /** One header field, its name in lower case. */
    private record Field(String name, String value) {
    }

    /** A response we do not take, with the reason. */
    private static final class Refusal extends Exception {
        Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    private final InputStream in;
    private int budget;
    private String budgetOf;

    private MtaStsHttp(InputStream in) {
        this.in = in;
    }

    /** Reads one response from {@code in} (best buffered); an I/O error or timeout is thrown. */
    static Response read(InputStream in) throws IOException {
        try {
            return new Response.Body(new MtaStsHttp(in).response());
        } catch (Refusal r) {
            return new Response.Refused(r.getMessage());
        }
    }

    private byte[] response() throws IOException, Refusal {
        budget = MAX_HEAD;
        budgetOf = "header section";
        int status = -1;
        String reason = "";
        List<Field> fields = List.of();
        for (int interim = 0; interim <= MAX_INTERIM; interim++) {
            String line = line("the status line");
            // RFC 9112 §4: HTTP-version SP status-code SP [ reason-phrase ]
            if (!line.matches("HTTP/1\\.[01] [0-9]{3}( .*)?")) {
                throw new Refusal("not an HTTP/1.x status line: '" + Printable.of(line) + "'");
            }
            status = Integer.parseInt(line.substring(9, 12));
            reason = line.length() > 13 ? line.substring(13) : "";
            fields = fields();
            if (status >= 200 || status == 101) {
                break;
            }
        }
        if (status < 200 && status != 101) {
            throw new Refusal("more than " + MAX_INTERIM + " interim responses");
        }
        if (status != 200) {
            String r = reason.isBlank() ? "" : " " + Printable.of(reason);
            throw new Refusal("HTTP " + status + r
                    + (status >= 300 && status < 400 ? " (redirects are not followed, RFC 8461 §3.3)" : ""));
        }
        String type = single(fields, "content-type");
        if (type == null) {
            throw new Refusal("no Content-Type (RFC 8461 §3.2: text/plain)");
        }
        String media = (type.indexOf(';') < 0 ? type : type.substring(0, type.indexOf(';'))).strip();
        if (!media.equalsIgnoreCase("text/plain")) {
            throw new Refusal("Content-Type " + Printable.of(type) + ", not text/plain (RFC 8461 §3.2)");
        }
        String coding = single(fields, "content-encoding");
        if (coding != null && !coding.equalsIgnoreCase("identity")) {
            throw new Refusal("Content-Encoding " + Printable.of(coding) + " (we asked for none)");
        }
        String te = single(fields, "transfer-encoding");
        String length = single(fields, "content-length");
        if (te != null && length != null) {
            // RFC 9112 §6.3: both may be an attempt at request smuggling
            throw new Refusal("both Transfer-Encoding and Content-Length");
        }
        if (te != null) {
            if (!te.equalsIgnoreCase("chunked")) {
                throw new Refusal("Transfer-Encoding " + Printable.of(te) + " (only chunked is read)");
            }
            return chunked();
        }
        if (length != null) {
            if (!length.matches("[0-9]{1,10}")) {
                throw new Refusal("bad Content-Length '" + Printable.of(length) + "'");
            }
            long n = Long.parseLong(length);
            if (n > MAX_BODY) {
                throw new Refusal("body of " + n + " bytes, more than 64 KiB");
            }
            return exactly((int) n);
        }
        return untilClose();
    }

    /**
     * The header fields up to the empty line (RFC 9112 §5): {@code name ":" OWS value OWS}, no
     * space before the colon, no obsolete line folding, no control characters but HTAB.
     */
    private List<Field> fields() throws IOException, Refusal {
        List<Field> fields = new ArrayList<>();
        for (String line = line("the header section"); !line.isEmpty(); line = line("the header section")) {
            int colon = line.indexOf(':');
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new Refusal("obsolete line folding in the header section");
            }
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new Refusal("bad header line '" + Printable.of(line) + "'");
            }
            String value = line.substring(colon + 1).strip();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new Refusal("control character in header " + line.substring(0, colon));
                }
            }
            fields.add(new Field(line.substring(0, colon).toLowerCase(Locale.ROOT), value));
        }
        return fields;
    }

    /** The value of the one field called {@code name}, null when absent; refused when given twice. */
    private static String single(List<Field> fields, String name) throws Refusal {
        String value = null;
        for (Field f : fields) {
            if (f.name().equals(name)) {
                if (value != null) {
                    throw new Refusal(name + " given twice");
                }
                value = f.value();
            }
        }
        return value;
    }

    /** RFC 9112 §7.1: chunk-size [chunk-ext] CRLF, data CRLF, ..., "0" CRLF, trailers, CRLF. */
    private byte[] chunked() throws IOException, Refusal {
        budget = MAX_HEAD;
        budgetOf = "chunk framing and trailer section";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String line = line("a chunk size");
            int i = 0;
            long size = 0;
            while (i < line.length() && hex(line.charAt(i)) >= 0 && size <= MAX_BODY) {
                size = size * 16 + hex(line.charAt(i++));
            }
            if (size + body.size() > MAX_BODY) {
                throw new Refusal("body more than 64 KiB");
            }
            String ext = line.substring(i).stripLeading();
            if (i == 0 || (!ext.isEmpty() && ext.charAt(0) != ';')) {
                throw new Refusal("bad chunk size line '" + Printable.of(line) + "'");
            }
            if (size == 0) {
                fields(); // the trailer section, unused
                return body.toByteArray();
            }
            body.write(exactly((int) size));
            if (!line("the end of a chunk").isEmpty()) {
                throw new Refusal("chunk longer than its size");
            }
        }
    }

    private byte[] exactly(int n) throws IOException, Refusal {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new Refusal("connection closed after " + b.length + " of " + n + " body bytes");
        }
        return b;
    }

    private byte[] untilClose() throws IOException, Refusal {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new Refusal("body more than 64 KiB");
        }
        return b;
    }

    /**
     * One line ending in CRLF or LF (RFC 9112 §2.2 lets a recipient take a bare LF), without the
     * ending, as ISO-8859-1; a CR elsewhere, the end of the stream or going over the budget refuses.
     */
    private String line(String what) throws IOException, Refusal {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean cr = false;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new Refusal("connection closed in " + what);
            }
            if (--budget < 0) {
                throw new Refusal(budgetOf + " more than 16 KiB");
            }
            if (c == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (cr || c == 0) {
                throw new Refusal((cr ? "bare CR" : "NUL") + " in " + what);
            }
            if (c == '\r') {
                cr = true;
            } else {
                b.write(c);
            }
        }
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** RFC 9110 §5.6.2: token = 1*tchar. */
    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return !s.isEmpty();
    }
}
