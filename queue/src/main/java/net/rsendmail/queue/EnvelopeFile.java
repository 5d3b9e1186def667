package net.rsendmail.queue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The envelope file ("env") of a queue entry: UTF-8 text, one field per line, fixed order,
 * versioned by its first line, closed by "end". Documented in README.md; anything that does
 * not parse exactly is damaged and goes to quarantine/.
 */
final class EnvelopeFile {
    static final String MAGIC = "rsendmail-queue-envelope 1";
    /** Far more than 1000 recipients; a larger file is not ours. */
    static final int MAX_SIZE = 1 << 20;
    static final String DELAY_WARNED = "delay-warned";
    static final String REPORT_OF = "report-of";

    private EnvelopeFile() {
    }

    static byte[] format(QueuedMessage m) {
        StringBuilder sb = new StringBuilder(256 + 64 * m.recipients().size());
        sb.append(MAGIC).append('\n');
        sb.append("id ").append(m.id().value()).append('\n');
        sb.append("created ").append(m.created()).append('\n');
        sb.append("uid ").append(Integer.toUnsignedString(m.submitterUid())).append('\n');
        sb.append("size ").append(m.size()).append('\n');
        sb.append("sender <").append(m.sender()).append(">\n");
        sb.append("attempts ").append(m.attempts()).append('\n');
        sb.append("next-attempt ").append(m.nextAttempt()).append('\n');
        sb.append("last-status ").append(m.lastStatus().isEmpty() ? "-" : m.lastStatus()).append('\n');
        line(sb, "last-error", m.lastError());
        if (m.delayWarned() != null) {
            sb.append(DELAY_WARNED).append(' ').append(m.delayWarned()).append('\n');
        }
        if (m.reportOf() != null) {
            line(sb, REPORT_OF + " " + m.reportOf().original().value(), m.reportOf().reason());
        }
        for (RecipientState r : m.recipients()) {
            sb.append("rcpt ").append(r.state() == RecipientState.State.PENDING ? "pending" : "failed")
                    .append(' ').append(r.status().isEmpty() ? "-" : r.status())
                    .append(' ').append(r.address());
            if (!r.text().isEmpty()) {
                sb.append(' ').append(Lines.encode(r.text()));
            }
            sb.append('\n');
        }
        sb.append("end\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void line(StringBuilder sb, String key, String text) {
        sb.append(key);
        if (!text.isEmpty()) {
            sb.append(' ').append(Lines.encode(text));
        }
        sb.append('\n');
    }

    static QueuedMessage parse(byte[] data) throws Damaged {
        Lines in = new Lines(data, data.length);
        in.expectLine(MAGIC);
        String idText = in.value("id");
        if (!QueueId.isValid(idText)) {
            throw in.error("bad id");
        }
        QueueId id = new QueueId(idText);
        var created = in.instant("created");
        long uid = in.number("uid", 0xffffffffL);
        long size = in.number("size", Long.MAX_VALUE);
        String sender = in.sender("sender");
        long attempts = in.number("attempts", Integer.MAX_VALUE);
        var next = in.instant("next-attempt");
        String lastStatus = status(in, in.value("last-status"));
        String lastError = in.text("last-error");
        // optional lines, absent from entries written before they existed
        var warned = DELAY_WARNED.equals(in.peekKey()) ? in.instant(DELAY_WARNED) : null;
        QueuedMessage.ReportOf reportOf = REPORT_OF.equals(in.peekKey()) ? reportOf(in) : null;
        List<RecipientState> rcpts = new ArrayList<>();
        while ("rcpt".equals(in.peekKey())) {
            String v = in.value("rcpt");
            String[] f = v.split(" ", 4);
            if (f.length < 3) {
                throw in.error("rcpt needs state, status and address");
            }
            RecipientState.State state = switch (f[0]) {
                case "pending" -> RecipientState.State.PENDING;
                case "failed" -> RecipientState.State.FAILED;
                default -> throw in.error("bad recipient state");
            };
            String status = status(in, f[1]);
            String address = in.address(f[2], false);
            String text = "";
            if (f.length == 4) {
                if (f[3].isEmpty()) {
                    throw in.error("space after address but no text");
                }
                text = in.decode(f[3]);
            }
            for (RecipientState r : rcpts) {
                if (r.address().equals(address)) {
                    throw in.error("duplicate recipient");
                }
            }
            rcpts.add(new RecipientState(address, state, status, text));
        }
        if (rcpts.isEmpty()) {
            throw in.error("no recipients");
        }
        in.expectLine("end");
        if (in.hasNext()) {
            throw in.error("data after \"end\"");
        }
        try {
            return new QueuedMessage(id, sender, rcpts, (int) attempts, next, lastStatus, lastError,
                    (int) uid, created, size, warned, reportOf);
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }

    private static QueuedMessage.ReportOf reportOf(Lines in) throws Damaged {
        String[] f = in.value(REPORT_OF).split(" ", 2);
        if (!QueueId.isValid(f[0])) {
            throw in.error("bad id in \"" + REPORT_OF + "\"");
        }
        if (f.length == 2 && f[1].isEmpty()) {
            throw in.error("space after id but no text");
        }
        return new QueuedMessage.ReportOf(new QueueId(f[0]), f.length == 2 ? in.decode(f[1]) : "");
    }

    private static String status(Lines in, String v) throws Damaged {
        if (v.equals("-")) {
            return "";
        }
        if (!Checks.isStatus(v)) {
            throw in.error("bad enhanced status code");
        }
        return v;
    }
}
