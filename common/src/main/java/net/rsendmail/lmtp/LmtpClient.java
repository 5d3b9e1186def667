package net.rsendmail.lmtp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.rsendmail.smtp.DotCodec;
import net.rsendmail.smtp.Xtext;

/**
 * The sending side of {@code rsendmail --lmtp}: LMTP (RFC 2033) over any pair of streams (an SSH
 * exec channel in practice). MAIL, every RCPT and DATA go out in one write (PIPELINING, RFC 2920),
 * and may go behind the message before ({@link #offer}); the message is sent with CRLF line ends
 * and dot-stuffing; the result is one reply per recipient.
 */
public final class LmtpClient {
    /** Lines of one reply; RFC 5321 §4.5.3.1.5 bounds a line (512 octets), not a reply, so this is ours. */
    static final int MAX_REPLY_LINES = 200;

    private final InputStream in;
    private final OutputStream out;
    private final Set<String> capabilities = new HashSet<>();
    private final Transcript transcript;
    private Reply last;
    private Pending open; // sent by transmit, its replies not yet read by finish
    private Transaction offered; // its envelope and DATA written by offer, their replies not yet read

    public LmtpClient(InputStream in, OutputStream out) {
        this(in, out, Transcript.NONE);
    }

    public LmtpClient(InputStream in, OutputStream out, Transcript transcript) {
        this.in = new BufferedInputStream(in, 16 * 1024);
        this.out = new BufferedOutputStream(out, 64 * 1024);
        this.transcript = transcript;
    }

    /** Reads the 220 greeting and says LHLO; returns the capabilities (upper case keywords). */
    public Set<String> start(String clientName) throws IOException {
        Reply greeting = readReply();
        if (greeting.code() != 220) {
            throw new LmtpException("no LMTP greeting: " + greeting);
        }
        write("LHLO " + clientName + "\r\n");
        out.flush();
        List<String> lines = new ArrayList<>();
        Reply r = readReply(lines);
        if (r.code() != 250) {
            throw new LmtpException("LHLO refused: " + r);
        }
        for (int i = 1; i < lines.size(); i++) {
            String l = lines.get(i).substring(4).toUpperCase(Locale.ROOT);
            int sp = l.indexOf(' ');
            capabilities.add(sp < 0 ? l : l.substring(0, sp));
        }
        return Set.copyOf(capabilities);
    }

    /**
     * Sends one message; returns a reply for each recipient, in order. A refused MAIL or DATA
     * stands for every recipient; the session stays usable for the next transaction.
     */
    public List<Reply> send(Transaction tx, InputStream message) throws IOException {
        return finish(transmit(tx, message));
    }

    /**
     * The first half of {@link #send}: the envelope, its replies, and the message once DATA got
     * its 354; the replies to the message are left for {@link #finish}, so that the caller can do
     * other work while the server hands the message on. One transaction at a time: {@link #finish}
     * must follow before the next {@code transmit}. A transaction {@link #offer}ed is the only one
     * that may follow it; its envelope is not written again.
     */
    public Pending transmit(Transaction tx, InputStream message) throws IOException {
        requireIdle();
        if (offered != null && !offered.equals(tx)) {
            throw new IllegalStateException("another LMTP envelope was offered");
        }
        boolean written = offered != null;
        offered = null;
        if (!written) {
            if (refusesRequireTls(tx)) {
                // RFC 8689 §4.2.1: never sent without the promise; each recipient refused, nothing written
                return new Pending.Answered(fill(tx.recipients().size(), new Reply(550, "5.7.30",
                        "REQUIRETLS support required: the relay does not offer REQUIRETLS")));
            }
            write(envelope(tx).append("DATA\r\n").toString());
            out.flush();
        }

        Reply mail = final_(readReply(), "MAIL");
        List<Reply> rcpt = new ArrayList<>();
        for (int i = 0; i < tx.recipients().size(); i++) {
            rcpt.add(final_(readReply(), "RCPT"));
        }
        Reply data = readReply();
        if (data.positive() && data.code() != 354) {
            // RFC 5321 §4.3.2: DATA gets 354 or a refusal; anything else would count an unsent body as delivered
            throw new LmtpException("protocol error: " + data + " in reply to DATA");
        }
        if (data.code() != 354) {
            // The server may still hold the transaction open (RFC 5321 §4.1.1.5): clear it.
            reset();
        }
        if (!mail.positive()) {
            return new Pending.Answered(fill(tx.recipients().size(), mail));
        }
        if (data.code() != 354) {
            // No recipient was accepted (each has its own refusal) or DATA itself was refused.
            List<Reply> out = new ArrayList<>();
            for (Reply r : rcpt) {
                out.add(r.positive() ? data : r);
            }
            return new Pending.Answered(out);
        }
        Pending.Sent sent = new Pending.Sent(List.copyOf(rcpt));
        open = sent;
        transcript.body(tx.size());
        DotCodec.write(message, out);
        out.flush();
        return sent;
    }

    /**
     * Writes the envelope and DATA of {@code tx}, the next transaction, behind the one still open
     * (RFC 2920 §3.1: message content may be followed by the next commands in one group), so that
     * the server answers them as soon as it has answered the open one; {@link #transmit} of the
     * same {@code tx} reads their replies and sends the message. Nothing is written for a
     * transaction that transmit refuses without writing. Once offered, a transaction must be
     * transmitted or the session dropped: past its 354 any command would be read as the message.
     */
    public void offer(Transaction tx) throws IOException {
        if (offered != null) {
            throw new IllegalStateException("an LMTP envelope is already offered");
        }
        if (refusesRequireTls(tx)) {
            return;
        }
        offered = tx;
        write(envelope(tx).append("DATA\r\n").toString());
        out.flush();
    }

    /** Whether an envelope was offered and not yet transmitted (the session can then only be dropped). */
    public boolean offering() {
        return offered != null;
    }

    private boolean refusesRequireTls(Transaction tx) {
        return tx.requireTls() && !capabilities.contains("REQUIRETLS");
    }

    /**
     * No transaction waits for {@link #finish} or {@link #transmit}: anything written now would be
     * read as part of it.
     */
    private void requireIdle() {
        if (open != null) {
            throw new IllegalStateException("an LMTP transaction is still open");
        }
    }

    private void requireNothingOffered() {
        if (offered != null) {
            throw new IllegalStateException("an LMTP envelope was offered");
        }
    }

    /** A transaction {@link #transmit} sent: answered for every recipient, or its message on its way. */
    public sealed interface Pending {
        /** Each recipient's reply is known: nothing more to read. */
        record Answered(List<Reply> replies) implements Pending {
        }

        /** The message is sent; each accepted recipient's reply is still to come. */
        record Sent(List<Reply> rcpt) implements Pending {
        }
    }

    /** The second half of {@link #send}: a reply per recipient. */
    public List<Reply> finish(Pending pending) throws IOException {
        if (pending instanceof Pending.Answered a) {
            return a.replies();
        }
        if (pending != open) {
            throw new IllegalStateException("not the open LMTP transaction");
        }
        open = null;
        List<Reply> results = new ArrayList<>();
        for (Reply r : ((Pending.Sent) pending).rcpt()) {
            results.add(r.positive() ? final_(readReply(), "the message") : r);
        }
        return results;
    }

    /** MAIL with the parameters the server offers, then a RCPT for each recipient: one write. */
    private StringBuilder envelope(Transaction tx) {
        StringBuilder cmds = new StringBuilder(256);
        cmds.append("MAIL FROM:<").append(tx.sender()).append('>');
        if (capabilities.contains("SIZE")) {
            cmds.append(" SIZE=").append(tx.size());
        }
        if (tx.envid() != null && capabilities.contains("DSN")) {
            cmds.append(" ENVID=").append(Xtext.encode(tx.envid()));
        }
        boolean utf8 = !isAscii(tx.sender());
        for (String r : tx.recipients()) {
            utf8 |= !isAscii(r);
        }
        if (utf8) {
            cmds.append(" SMTPUTF8");
        }
        if (capabilities.contains("8BITMIME")) {
            cmds.append(" BODY=8BITMIME");
        }
        if (tx.requireTls()) {
            cmds.append(" REQUIRETLS");
        }
        cmds.append("\r\n");
        for (String r : tx.recipients()) {
            cmds.append("RCPT TO:<").append(r).append(">\r\n");
        }
        return cmds;
    }

    /**
     * The envelope of {@code tx} without a message: MAIL and each RCPT, then RSET, so that the
     * server's checks answer and nothing is sent. Returns the MAIL reply, then one per recipient.
     */
    public List<Reply> probe(Transaction tx) throws IOException {
        requireIdle();
        requireNothingOffered();
        write(envelope(tx).append("RSET\r\n").toString());
        out.flush();
        List<Reply> replies = new ArrayList<>();
        replies.add(final_(readReply(), "MAIL"));
        for (int i = 0; i < tx.recipients().size(); i++) {
            replies.add(final_(readReply(), "RCPT"));
        }
        Reply rset = readReply();
        if (!rset.positive()) {
            throw new LmtpException("RSET refused: " + rset);
        }
        return replies;
    }

    /** A final reply (2xx, 4xx, 5xx; RFC 5321 §4.2.1): a 3xx here is a protocol error. */
    private static Reply final_(Reply r, String to) throws LmtpException {
        if (r.code() >= 300 && r.code() < 400) {
            throw new LmtpException("protocol error: " + r + " in reply to " + to);
        }
        return r;
    }

    /** RSET, e.g. after a local failure halfway through a transaction. */
    public Reply reset() throws IOException {
        requireNothingOffered();
        write("RSET\r\n");
        out.flush();
        return readReply();
    }

    /** QUIT; with an envelope {@link #offer}ed, nothing (the server would read it as the message). */
    public void quit() throws IOException {
        if (offered != null) {
            return; // dropping the session ends it in DATA: the server hands nothing on
        }
        write("QUIT\r\n");
        out.flush();
        readReply();
    }

    private static List<Reply> fill(int n, Reply r) {
        List<Reply> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(r);
        }
        return l;
    }

    /** Writes one or more CRLF-ended command lines. */
    private void write(String s) throws IOException {
        for (int from = 0, to; (to = s.indexOf("\r\n", from)) >= 0; from = to + 2) {
            transcript.sent(s.substring(from, to));
        }
        out.write(s.getBytes(StandardCharsets.UTF_8));
    }

    private Reply readReply() throws IOException {
        return readReply(null);
    }

    /**
     * Reads a possibly multi-line reply ({@code 250-…} continued, {@code 250 …} last), at most
     * {@link #MAX_REPLY_LINES} lines: an endless reply is a protocol error, not a hang or an
     * OutOfMemoryError.
     */
    private Reply readReply(List<String> lines) throws IOException {
        for (int n = 0; ; n++) {
            if (n == MAX_REPLY_LINES) {
                throw new LmtpException("protocol error: reply longer than " + MAX_REPLY_LINES + " lines");
            }
            String line = readLine();
            if (lines != null) {
                lines.add(line);
            }
            if (line.length() >= 4 && line.charAt(3) == '-') {
                continue;
            }
            last = Reply.parse(line);
            return last;
        }
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > 4096) { // RFC 5321 §4.5.3.1.5: 512 octets; generous for long texts
                throw new LmtpException("protocol error: reply line too long");
            }
            b.write(c);
        }
        if (c < 0) {
            // the server's last words say how far it got
            throw new LmtpException("connection closed while waiting for a reply"
                    + (last == null ? "" : " (last reply: " + last + ")"));
        }
        String s = b.toString(StandardCharsets.UTF_8);
        s = s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        transcript.received(s);
        return s;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
