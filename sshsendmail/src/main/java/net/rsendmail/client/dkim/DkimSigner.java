package net.rsendmail.client.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.mail.AddressException;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.queue.Admission;
import net.rsendmail.queue.Envelope;

/**
 * Signs a message as it enters the private queue (RFC 6376 §5): one DKIM-Signature per key of the
 * header From domain, c=relaxed/relaxed, t=, no l=, inserted before the first header field.
 * A sendmail call signs only with keys from a command: with key files it checks them and leaves
 * the message to the pickup of its runner or the daemon, which signs it (see {@link #atPickup}).
 */
public final class DkimSigner implements Admission {
    /** Signed when present; From once more than present so none can be added (RFC 6376 §8.15). */
    static final List<String> SIGNED = List.of("from", "reply-to", "sender", "subject", "date", "message-id", "to",
            "cc", "mime-version", "content-type", "content-transfer-encoding", "content-id", "content-description",
            "in-reply-to", "references", "list-id", "list-help", "list-unsubscribe", "list-unsubscribe-post",
            "list-subscribe", "list-post", "list-owner", "list-archive");
    static final int WIDTH = 78;
    /** A key that failed to load is tried again after this long (a hanging key command costs its timeout once). */
    private static final Duration RETRY = Duration.ofMinutes(1);

    private final DkimConfig config;
    private final Clock clock;
    private final boolean sendmailCall;
    private final Map<KeySource, Object> loaded = new HashMap<>(); // DkimKey, or KeyProblem with its time

    private record Failed(KeyProblem problem, long at) {
    }

    private DkimSigner(DkimConfig config, Clock clock, boolean sendmailCall) {
        this.config = config;
        this.clock = clock;
        this.sendmailCall = sendmailCall;
    }

    /**
     * The queue's admission for {@code config} in a runner or the daemon: as-is when no DKIM line
     * is configured; else a signer whose key files are already being loaded (see {@link #preload}).
     */
    public static Admission admission(DkimConfig config) {
        if (!config.enabled()) {
            return Admission.AS_IS;
        }
        DkimSigner signer = new DkimSigner(config, Clock.systemUTC(), false);
        signer.preload();
        return signer;
    }

    /**
     * The queue's admission for {@code config} in a sendmail call: as-is when no DKIM line is
     * configured; else a signer that leaves messages signed with key files to the pickup.
     */
    public static Admission atSubmission(DkimConfig config) {
        return config.enabled() ? new DkimSigner(config, Clock.systemUTC(), true) : Admission.AS_IS;
    }

    /**
     * Loads the key files and signs once on a second thread while the runner recovers and lists the
     * queue: starting the JDK's providers and running the signature code for the first time cost
     * tens of milliseconds that a second core hides. Keys from a command are loaded only when a
     * message needs them. A failure here is remembered as it
     * would be on first use, and reported then.
     */
    void preload() {
        List<KeySource> files = config.keys().stream().filter(k -> k.file() != null).toList();
        if (files.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            for (KeySource s : files) {
                try {
                    key(s).sign(new byte[32]);
                } catch (KeyProblem | GeneralSecurityException | RuntimeException e) {
                    // key(s) keeps a KeyProblem for the message that needs the key; the rest shows again there
                }
            }
        }, "dkim-preload");
        t.setDaemon(true);
        t.start();
    }

    /**
     * True when every key of the From domain is a file and passes {@link KeySource#check}, in a
     * sendmail call: the runner it starts (or the daemon) picks the message up from the maildrop
     * and signs it there, in a JVM that is not the caller's to wait for; the caller still hears of
     * a key that cannot work. A key from a command signs here: the command may need the caller's
     * terminal or agent, and only running it tells whether it works.
     */
    @Override
    public boolean atPickup(Envelope envelope, byte[] m) throws NotNow {
        if (!sendmailCall) {
            return false;
        }
        List<KeySource> sources = sources(HeaderBlock.parse(m, m.length), false);
        if (sources.isEmpty() || sources.stream().anyMatch(s -> s.file() == null)) {
            return false;
        }
        for (KeySource s : sources) {
            try {
                s.check();
            } catch (KeyProblem e) {
                throw new NotNow("DKIM: " + e.getMessage());
            }
        }
        return true; // -bp shows it waiting in the maildrop
    }

    @Override
    public Insert admit(Envelope envelope, byte[] m) throws NotNow {
        HeaderBlock hb = HeaderBlock.parse(m, m.length);
        // a sendmail call has no log set up, and starting Logback would cost it some 35 ms; -bp shows "unsigned"
        List<KeySource> sources = sources(hb, !sendmailCall);
        if (sources.isEmpty()) {
            return Insert.NONE;
        }
        String eol = lineEnding(m);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            byte[] bh = bodyHash(m, bodyStart(m, hb));
            long t = clock.instant().getEpochSecond();
            for (KeySource s : sources) {
                DkimKey k = key(s);
                List<String> h = headerList(hb);
                String unsigned = fold(k, t, h, Base64.getEncoder().encodeToString(bh), eol);
                byte[] data = headerData(m, hb, h, unsigned.getBytes(StandardCharsets.US_ASCII));
                String b = Base64.getEncoder().encodeToString(k.sign(data));
                out.writeBytes((unsigned + foldB(unsigned, b, eol) + eol).getBytes(StandardCharsets.US_ASCII));
            }
        } catch (KeyProblem e) {
            throw new NotNow("DKIM: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new NotNow("DKIM: signing failed: " + e.getMessage());
        }
        return new Insert(hb.start(), out.toByteArray());
    }

    /**
     * The keys of the message's From domain; none (logged if {@code log}) when it has none, unless
     * dkim_required is yes.
     */
    private List<KeySource> sources(HeaderBlock hb, boolean log) throws NotNow {
        String domain = fromDomain(hb);
        List<KeySource> sources = domain == null ? List.of() : config.keysFor(domain);
        if (sources.isEmpty()) {
            String why = domain == null ? "the message has no single From address" : "no dkim key for " + domain;
            if (config.required()) {
                throw new NotNow("DKIM: " + why + " and dkim_required is yes; add a dkim line for the From domain");
            }
            if (log) {
                ClientLog.get("dkim").info("not signed: {}", why);
            }
        }
        return sources;
    }

    /** For -bp: "signed d=D s=S[, ...]" from the DKIM-Signature fields at the top of {@code head}, or "unsigned". */
    public static String describe(byte[] head) {
        HeaderBlock hb = HeaderBlock.parse(head, head.length);
        List<String> sigs = new ArrayList<>();
        for (HeaderBlock.Field f : hb.named("DKIM-Signature")) {
            String v = hb.value(f);
            java.util.regex.Matcher d = java.util.regex.Pattern.compile("(?:^|;)\\s*d=([^;\\s]+)").matcher(v == null ? "" : v);
            java.util.regex.Matcher sel = java.util.regex.Pattern.compile("(?:^|;)\\s*s=([^;\\s]+)").matcher(v == null ? "" : v);
            sigs.add("d=" + (d.find() ? d.group(1) : "?") + " s=" + (sel.find() ? sel.group(1) : "?"));
        }
        return sigs.isEmpty() ? "unsigned" : "signed " + String.join(", ", sigs);
    }

    private synchronized DkimKey key(KeySource s) throws KeyProblem {
        Object o = loaded.get(s);
        long now = clock.millis();
        if (o instanceof DkimKey k) {
            return k;
        }
        if (o instanceof Failed f && now - f.at() < RETRY.toMillis()) {
            throw f.problem();
        }
        try {
            DkimKey k = s.load();
            loaded.put(s, k);
            return k;
        } catch (KeyProblem p) {
            loaded.put(s, new Failed(p, now));
            throw p;
        }
    }

    /** The domain of the header From address (RFC 6376 §3.9: the signer picks d=; DMARC aligns it with From). */
    static String fromDomain(HeaderBlock hb) {
        try {
            List<String> a = hb.addresses("From");
            if (hb.named("From").size() != 1 || a.size() != 1) {
                return null;
            }
            int at = a.get(0).lastIndexOf('@');
            return at < 0 ? null : a.get(0).substring(at + 1).toLowerCase(Locale.ROOT);
        } catch (AddressException e) {
            return null;
        }
    }

    static String lineEnding(byte[] m) {
        for (int i = 0; i < m.length; i++) {
            if (m[i] == '\n') {
                return i > 0 && m[i - 1] == '\r' ? "\r\n" : "\n";
            }
        }
        return "\n";
    }

    /** Past the empty line that ends the header section (RFC 5322 §2.1). */
    static int bodyStart(byte[] m, HeaderBlock hb) {
        int p = hb.end();
        if (p < m.length && m[p] == '\n') {
            return p + 1;
        }
        if (p + 1 < m.length && m[p] == '\r' && m[p + 1] == '\n') {
            return p + 2;
        }
        return p;
    }

    static byte[] bodyHash(byte[] m, int from) throws NoSuchAlgorithmException {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        Relaxed.body(m, from, m.length, d);
        return d.digest();
    }

    /** h=: every present field of {@link #SIGNED} as often as it occurs, From once more. */
    static List<String> headerList(HeaderBlock hb) {
        List<String> h = new ArrayList<>();
        for (String name : SIGNED) {
            int n = hb.named(name).size();
            for (int i = 0; i < n + (name.equals("from") ? 1 : 0); i++) {
                h.add(name);
            }
        }
        return h;
    }

    /**
     * The data signed (RFC 6376 §3.7): the fields named in {@code h}, each name taking its
     * instances from the bottom up (§5.4.2), then the DKIM-Signature field with an empty b=
     * and no final CRLF.
     */
    static byte[] headerData(byte[] m, HeaderBlock hb, List<String> h, byte[] sigField) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Integer> used = new HashMap<>();
        for (String name : h) {
            List<HeaderBlock.Field> fs = hb.named(name);
            int u = used.merge(name.toLowerCase(Locale.ROOT), 1, Integer::sum);
            if (u <= fs.size()) {
                HeaderBlock.Field f = fs.get(fs.size() - u);
                out.writeBytes(Relaxed.header(f.name(), m, f.colon(), f.end(), true));
            }
        }
        int colon = indexOf(sigField, (byte) ':');
        out.writeBytes(Relaxed.header(new String(sigField, 0, colon, StandardCharsets.US_ASCII), sigField, colon,
                sigField.length, false));
        return out.toByteArray();
    }

    private static int indexOf(byte[] b, byte c) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    /** The field up to and including "b=", folded at {@link #WIDTH} columns (RFC 5322 §2.2.3). */
    static String fold(DkimKey k, long t, List<String> h, String bh, String eol) {
        StringBuilder sb = new StringBuilder("DKIM-Signature:");
        int[] col = {sb.length()};
        for (String tag : List.of("v=1;", "a=" + k.algorithm().tag + ";", "c=relaxed/relaxed;", "d=" + k.domain() + ";",
                "s=" + k.selector() + ";", "t=" + t + ";")) {
            add(sb, col, " ", tag, eol);
        }
        for (int i = 0; i < h.size(); i++) {
            String piece = (i == 0 ? "h=" : ":") + h.get(i) + (i == h.size() - 1 ? ";" : "");
            add(sb, col, i == 0 ? " " : "", piece, eol);
        }
        add(sb, col, " ", "bh=" + bh + ";", eol);
        add(sb, col, " ", "b=" + "x".repeat(8), eol); // room for "b=" and a first piece of the value
        sb.setLength(sb.length() - 8);
        return sb.toString();
    }

    private static void add(StringBuilder sb, int[] col, String sep, String piece, String eol) {
        if (col[0] + sep.length() + piece.length() > WIDTH) {
            sb.append(eol).append(' ');
            col[0] = 1;
            sep = "";
        }
        sb.append(sep).append(piece);
        col[0] += sep.length() + piece.length();
    }

    /** The b= value continuing {@code unsigned}, folded at {@link #WIDTH} columns. */
    static String foldB(String unsigned, String b, String eol) {
        int col = unsigned.length() - Math.max(unsigned.lastIndexOf('\n') + 1, 0);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < b.length()) {
            int n = Math.min(b.length() - i, WIDTH - col);
            sb.append(b, i, i + n);
            i += n;
            if (i < b.length()) {
                sb.append(eol).append(' ');
                col = 1;
            }
        }
        return sb.toString();
    }
}
