package net.rsendmail.client.message;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import net.rsendmail.client.cli.CommandLine;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.AddressList;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.mail.Mailbox;
import net.rsendmail.mail.Refusal;

/**
 * Turns what a standalone caller gave (command line and stdin) into an envelope and a message
 * the way sendmail and Postfix's sendmail do: recipients from the command line (and with
 * {@code -t} from To, Cc and Bcc, or their Resent- forms, with Bcc and Resent-Bcc then removed);
 * a leading mbox {@code From } line skipped; bare header addresses qualified; Date, Message-ID and
 * From added when missing. Only the header section is held in memory; the body streams through
 * unchanged.
 */
public final class MessagePreparer {
    /** Largest header section accepted. */
    public static final int MAX_HEADER = 256 * 1024;
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
        "Oct", "Nov", "Dec"};

    private final Identity identity;

    public MessagePreparer(Identity identity) {
        this.identity = identity;
    }

    public PreparedMessage prepare(CommandLine cl, InputStream stdin) throws Refusal, IOException {
        List<String> recipients = new ArrayList<>();
        for (String r : cl.recipients()) {
            recipients.add(recipient(r));
        }
        if (!cl.extractRecipients() && recipients.isEmpty()) {
            throw Refusal.usage("no recipients given (name them as arguments, or use -t)");
        }
        String sender = cl.sender() == null ? null : sender(cl.sender());

        MessageInputStream in = new MessageInputStream(stdin, !cl.ignoreDots());
        byte[] head = new byte[8192];
        int len = 0;
        while (true) {
            if (len == head.length) {
                if (head.length >= MAX_HEADER) {
                    break;
                }
                head = java.util.Arrays.copyOf(head, Math.min(head.length * 4, MAX_HEADER));
            }
            int n = in.read(head, len, head.length - len);
            if (n < 0) {
                break;
            }
            len += n;
            if (headerComplete(head, len)) {
                break;
            }
        }
        HeaderBlock headers = HeaderBlock.parse(head, len);
        if (len == MAX_HEADER && headers.end() == len) {
            throw Refusal.data("header section larger than " + (MAX_HEADER / 1024) + " KiB");
        }

        if (cl.extractRecipients()) {
            // the relay's rule (HeaderBlock): Resent-To/Cc/Bcc when resent, else To/Cc/Bcc
            List<String> names = headers.recipientFieldNames();
            Set<String> all = new LinkedHashSet<>(recipients);
            for (String a : addresses(headers, names.toArray(String[]::new))) {
                all.add(qualify(a, false));
            }
            if (all.isEmpty()) {
                throw Refusal.data("no recipients: -t given and no addresses in " + String.join(", ", names));
            }
            recipients = new ArrayList<>(all);
        }
        List<String> from = addresses(headers, "From");
        if (sender == null) {
            sender = from.size() == 1 && Mailbox.isValid(from.get(0), false) ? from.get(0) : identity.address();
        }

        String eol = lineEnding(head, len);
        StringBuilder added = new StringBuilder();
        if (headers.named("From").isEmpty()) {
            String addr = sender.isEmpty() ? "MAILER-DAEMON@" + identity.domain() : sender;
            String name = cl.fullName();
            if (name != null && !name.isBlank()) {
                added.append("From: ").append(phrase(name)).append(" <").append(addr).append('>').append(eol);
            } else {
                added.append("From: ").append(addr).append(eol);
            }
        }
        if (headers.named("Date").isEmpty()) {
            added.append("Date: ").append(now()).append(eol);
        }
        if (headers.named("Message-ID").isEmpty()) {
            added.append("Message-ID: <").append(messageId()).append('@').append(identity.domain()).append('>')
                    .append(eol);
        }

        ByteArrayOutputStream front = new ByteArrayOutputStream(len + added.length() + 64);
        // the only header bytes that change: a leading mbox From line and, with -t, Bcc/Resent-Bcc
        // go; bare addresses get @domain; every other byte stays as it was
        List<int[]> cuts = cl.extractRecipients() ? headers.blindCopyRanges() : List.of();
        int cut = headers.start();
        for (HeaderBlock.Field f : headers.fields()) {
            if (cuts.stream().anyMatch(r -> r[0] == f.start())) {
                front.write(head, cut, f.start() - cut);
                cut = f.end();
                continue;
            }
            String q = qualifiedBody(headers, f);
            if (q != null) {
                front.write(head, cut, f.colon() + 1 - cut);
                front.write(q.getBytes(StandardCharsets.UTF_8));
                cut = f.end();
            }
        }
        int end = headers.end();
        front.write(head, cut, end - cut);
        if (added.length() > 0) {
            if (end > 0 && head[end - 1] != '\n') {
                front.write(eol.getBytes(StandardCharsets.US_ASCII)); // last field had no line end
            }
            front.write(added.toString().getBytes(StandardCharsets.UTF_8));
            if (end < len && head[end] != '\n' && head[end] != '\r') {
                front.write(eol.getBytes(StandardCharsets.US_ASCII)); // body without its separating empty line
            }
        }
        front.write(head, end, len - end);
        InputStream content = new SequenceInputStream(new ByteArrayInputStream(front.toByteArray()), in);
        return new PreparedMessage(sender, recipients, content);
    }

    /** Fields whose bare addresses are qualified, as Postfix's append_at_myorigin does (cleanup_addr.c). */
    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-reply-to", "resent-to", "resent-cc", "resent-bcc");

    /**
     * The body of an address field with {@code @domain} after each bare local part (comments,
     * display names and folding kept), or null when nothing changes or the field does not parse
     * (then it stays as written; {@code -t} refuses it on its own).
     */
    private String qualifiedBody(HeaderBlock headers, HeaderBlock.Field f) {
        if (!ADDRESS_FIELDS.contains(f.name().toLowerCase(java.util.Locale.ROOT))) {
            return null;
        }
        String raw = headers.raw(f);
        if (raw == null) {
            return null;
        }
        List<AddressList.Spec> specs;
        try {
            specs = AddressList.locate(raw);
        } catch (AddressException e) {
            return null;
        }
        StringBuilder b = new StringBuilder(raw);
        boolean changed = false;
        for (int i = specs.size() - 1; i >= 0; i--) {
            AddressList.Spec a = specs.get(i);
            try {
                if (Mailbox.parse(a.address(), true).isBare()) {
                    b.insert(a.end(), "@" + identity.domain());
                    changed = true;
                }
            } catch (AddressException e) {
                // not an address we could qualify: left as written
            }
        }
        return changed ? b.toString() : null;
    }

    /** An envelope sender as given (-f, SMTP MAIL): "" stays the null sender, a bare local part is qualified. */
    public String sender(String address) throws Refusal {
        if (address.isEmpty()) {
            return address;
        }
        try {
            Mailbox m = Mailbox.parse(address, true);
            return m.isBare() ? m + "@" + identity.domain() : m.toString();
        } catch (AddressException e) {
            throw Refusal.badSender("bad sender address (" + e.getMessage() + "): " + show(address));
        }
    }

    /** An envelope recipient as given (argument, SMTP RCPT), qualified. */
    public String recipient(String address) throws Refusal {
        return qualify(address, true);
    }

    /** A bare local part gets this machine's domain, like sendmail's $j. */
    private String qualify(String address, boolean argument) throws Refusal {
        try {
            Mailbox m = Mailbox.parse(address, true);
            return m.isBare() ? m + "@" + identity.domain() : m.toString();
        } catch (AddressException e) {
            if (argument) {
                throw Refusal.badRecipient("bad recipient address (" + e.getMessage() + "): " + show(address));
            }
            throw Refusal.data("bad address in header (" + e.getMessage() + "): " + show(address));
        }
    }

    private static List<String> addresses(HeaderBlock headers, String... names) throws Refusal {
        try {
            return headers.addresses(names);
        } catch (AddressException e) {
            throw Refusal.data("unparsable header: " + e.getMessage());
        }
    }

    private static boolean headerComplete(byte[] b, int len) {
        for (int i = 1; i < len; i++) {
            if (b[i] == '\n' && (b[i - 1] == '\n' || (b[i - 1] == '\r' && i >= 2 && b[i - 2] == '\n'))) {
                return true;
            }
        }
        return false;
    }

    private static String lineEnding(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                return i > 0 && b[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\n";
    }

    /**
     * A display name for -F: as is when it is atoms, quoted when it has specials, RFC 2047
     * encoded words (UTF-8, "B") when it is not ASCII, since a header field is ASCII (RFC 5322 §2.2).
     */
    static String phrase(String name) {
        if (name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return quotePhrase(name);
        }
        // RFC 2047 §2: an encoded word is at most 75 characters; split on code points, never inside one
        StringBuilder out = new StringBuilder();
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        int i = 0;
        while (i < name.length()) {
            int j = i;
            int bytes = 0;
            while (j < name.length()) {
                int cp = name.codePointAt(j);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (bytes + n > 45) { // 45 bytes -> 60 base64 characters + 12 of "=?UTF-8?B?" and "?="
                    break;
                }
                bytes += n;
                j += Character.charCount(cp);
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append("=?UTF-8?B?").append(b64.encodeToString(name.substring(i, j).getBytes(StandardCharsets.UTF_8)))
                    .append("?=");
            i = j;
        }
        return out.toString();
    }

    private static String quotePhrase(String name) {
        boolean plain = name.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == ' ' || c == '.'
                || c == '-' || c == '_' || c == '\'');
        if (plain && !name.contains(".")) {
            return name;
        }
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The current local time as an RFC 5322 date. Through java.util.TimeZone rather than
     * java.time's ZoneId: the latter looks for zone-rule providers in every jar on the class path,
     * which costs a short-lived process tens of milliseconds.
     */
    public static String now() {
        long ms = System.currentTimeMillis();
        int offset = java.util.TimeZone.getDefault().getOffset(ms) / 1000;
        java.time.ZoneOffset zo = java.time.ZoneOffset.ofTotalSeconds(offset);
        return date(java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(ms, 1000), 0, zo).atZone(zo));
    }

    /** RFC 5322 §3.3 date-time, e.g. {@code Sun, 22 Nov 2026 03:04:05 +0100}. */
    public static String date(ZonedDateTime t) {
        int off = t.getOffset().getTotalSeconds() / 60;
        char sign = off < 0 ? '-' : '+';
        off = Math.abs(off);
        StringBuilder b = new StringBuilder(32);
        b.append(DAYS[t.getDayOfWeek().getValue() - 1]).append(", ").append(t.getDayOfMonth()).append(' ')
                .append(MONTHS[t.getMonthValue() - 1]).append(' ').append(t.getYear()).append(' ');
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append(' ').append(sign);
        two(b, off / 60);
        two(b, off % 60);
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        if (v < 10) {
            b.append('0');
        }
        return b.append(v);
    }

    private static String messageId() {
        Instant now = Instant.now();
        return Long.toString(now.getEpochSecond(), 36) + "." + Long.toString(now.getNano(), 36) + "."
                + ProcessHandle.current().pid() + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)
                + ".sshsendmail";
    }

    private static String show(String s) {
        return net.rsendmail.client.cli.CommandLineParser.show(s);
    }
}
