package net.rsendmail.relay.transport;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLException;
import net.rsendmail.dns.Tlsa;
import net.rsendmail.lmtp.Reply;
import net.rsendmail.mail.HeaderBlock;
import net.rsendmail.mail.Printable;
import net.rsendmail.mail.Refusal;
import net.rsendmail.mail.SysExit;
import net.rsendmail.relay.spool.Spool;
import net.rsendmail.smtp.Xtext;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPAddressSucceededException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

/**
 * {@code transport smtp://HOST[:PORT]} and {@code smtps://}: hands each message to a smarthost with
 * Angus Mail, synchronously, and passes on the far side's reply for each recipient
 * ({@code mail.smtp.sendpartial}, {@code mail.smtp.reportsuccess}). One connection carries every
 * message of the request or LMTP channel and is ended with QUIT by {@link #close}. Before a message
 * it is checked (NOOP) and made again when the far side dropped it, unless its last transaction
 * ended less than {@link #UNCHECKED_REUSE} ago; when such a connection turns out closed before DATA
 * (nothing of the message sent), the message goes once more over a new one.
 *
 * <p>RFC 8689: a message with REQUIRETLS goes only over verified TLS ({@code smtp_tls verify}) to
 * a next hop that offers REQUIRETLS, else each recipient gets 550 5.7.30. A message with
 * {@code TLS-Required: No} (§5) goes even when the certificate does not verify, over a second
 * connection that does not check it; never so when the connection authenticates (AUTH), since the
 * secret must only go to the verified smarthost.
 */
final class SmtpTransport implements Transport {
    /**
     * Angus Mail logs through java.util.logging to stderr (e.g. an INFO when a server lacks
     * SMTPUTF8); the relay's stderr is its client's one failure line, and every outcome is
     * reported here. Held in a field: java.util.logging keeps loggers only weakly.
     */
    private static final java.util.logging.Logger ANGUS = java.util.logging.Logger.getLogger("org.eclipse.angus.mail");
    /** Angus names a transport's logger after its class's package: RcptParameters's is this one. */
    private static final java.util.logging.Logger SUBCLASS = java.util.logging.Logger.getLogger(
            RcptParameters.class.getPackageName());

    static {
        ANGUS.setLevel(java.util.logging.Level.OFF);
        SUBCLASS.setLevel(java.util.logging.Level.OFF);
    }


    /**
     * A connection whose last transaction ended this recently is used without a NOOP first: a
     * round trip per message saved in a batch, at the cost of one resend over a new connection in
     * the rare case that the far side closed it meanwhile.
     */
    static final long UNCHECKED_REUSE = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** At most this many addresses of one host are tried (Postfix: smtp_mx_address_limit 5). */
    static final int MAX_ADDRESSES = 5;

    private final SmtpSettings settings;
    /** The addresses to try in order; null: the host's, from the system resolver, when first needed. */
    private List<InetAddress> addresses;
    private final List<Tlsa> dane;
    private Connection verified;
    private Connection relaxed;

    /** A smarthost: its name resolved by the system resolver. */
    SmtpTransport(SmtpSettings settings) {
        this(settings, null, List.of());
    }

    /** One MX host of {@code transport mx}: its addresses from DNS, its usable TLSA records (DANE) if any. */
    SmtpTransport(SmtpSettings settings, List<InetAddress> addresses, List<Tlsa> dane) {
        this.settings = settings;
        this.addresses = addresses == null ? null : List.copyOf(addresses);
        this.dane = List.copyOf(dane);
    }

    @Override
    public boolean honoursRequireTls() {
        return settings.tls() == SmtpSettings.TlsMode.VERIFY;
    }

    @Override
    public List<RecipientReply> deliver(Envelope envelope, Spool spool, List<int[]> skip) throws Refusal {
        try {
            return send(open(envelope, spool), envelope, spool, skip);
        } catch (ClosedBeforeData e) {
            // the unchecked connection was closed: nothing was sent, so the message goes over a new one
            return sendChecked(open(envelope, spool), envelope, spool, skip);
        }
    }

    private List<RecipientReply> sendChecked(Connection c, Envelope envelope, Spool spool, List<int[]> skip)
            throws Refusal {
        try {
            return send(c, envelope, spool, skip);
        } catch (ClosedBeforeData e) {
            throw failure("lost the connection to " + settings.name() + " while sending", e.cause);
        }
    }

    /** An unchecked connection ({@link #UNCHECKED_REUSE}) turned out closed before DATA. */
    private static final class ClosedBeforeData extends Exception {
        final MessagingException cause;

        ClosedBeforeData(MessagingException cause) {
            super(null, null, false, false);
            this.cause = cause;
        }
    }

    private List<RecipientReply> send(Connection c, Envelope envelope, Spool spool, List<int[]> skip)
            throws Refusal, ClosedBeforeData {
        String sender = envelope.smtpSender();
        if (envelope.requireTls() && !(c.verifies && c.transport.isSSL() && c.transport.supportsExtension("REQUIRETLS"))) {
            // RFC 8689 §4.2.1: not sent at all, each recipient refused
            Reply no = new Reply(550, "5.7.30", "REQUIRETLS support required (" + settings.name()
                    + (c.verifies ? " does not offer REQUIRETLS)" : " is not verified)"));
            List<RecipientReply> refused = new ArrayList<>();
            for (String r : envelope.recipients()) {
                refused.add(new RecipientReply.Failed(r, no));
            }
            return refused;
        }
        SMTPMessage m = new SpoolMessage(c.session, spool, skip);
        m.setEnvelopeFrom(sender.isEmpty() ? "<>" : sender);
        StringBuilder ext = new StringBuilder();
        if (c.transport.supportsExtension("DSN")) {
            // RFC 3461 §4.3, §4.4: passed on only to a next hop that takes them
            if (envelope.ret() != null) {
                m.setReturnOption(envelope.ret().equals("HDRS") ? SMTPMessage.RETURN_HDRS : SMTPMessage.RETURN_FULL);
            }
            Map<String, String> rcpt = new HashMap<>();
            for (String r : envelope.recipients()) {
                String notify = envelope.notifyOf(r);
                Envelope.RecipientDsn d = envelope.dsn().get(r);
                String p = (notify == null ? "" : " NOTIFY=" + notify)
                        + (d == null || d.orcpt() == null ? "" : " ORCPT=" + d.orcpt());
                if (!p.isEmpty()) {
                    rcpt.put(r, p);
                }
            }
            c.transport.parameters(rcpt);
            if (envelope.envid() != null) {
                ext.append("ENVID=").append(Xtext.encode(envelope.envid()));
            }
        } else {
            c.transport.parameters(Map.of());
        }
        if (spool.eightBit() && c.transport.supportsExtension("8BITMIME")) {
            // RFC 6152 §3: an 8-bit body is declared as such (Angus does not look at our bytes)
            ext.append(ext.length() == 0 ? "" : " ").append("BODY=8BITMIME");
        }
        if (envelope.requireTls()) {
            ext.append(ext.length() == 0 ? "" : " ").append("REQUIRETLS");
        }
        if (ext.length() > 0) {
            m.setMailExtension(ext.toString());
        }
        InternetAddress[] to = new InternetAddress[envelope.recipients().size()];
        for (int i = 0; i < to.length; i++) {
            to[i] = new InternetAddress();
            to[i].setAddress(envelope.recipients().get(i)); // validated already; not parsed again
        }
        try {
            c.transport.sendMessage(m, to);
            c.answered();
            // Only without reportsuccess does a full success return normally.
            return replies(to, null, new Reply(250, "2.0.0", "queued"));
        } catch (MessagingException e) {
            if (c.unchecked && c.transport.lostBeforeData()) {
                c.close();
                throw new ClosedBeforeData(e);
            }
            if (e instanceof SendFailedException f) {
                List<RecipientReply> replies;
                try {
                    replies = fromChain(to, f);
                } catch (Refusal lost) {
                    c.close();
                    throw lost;
                }
                c.answered();
                return replies;
            }
            c.close();
            throw failure("lost the connection to " + settings.name() + " while sending", e);
        }
    }

    /** The per-recipient replies in Angus's exception chain, and the reply to the end of DATA. */
    private List<RecipientReply> fromChain(InternetAddress[] to, SendFailedException e) throws Refusal {
        Map<InternetAddress, Reply> rcpt = new IdentityHashMap<>();
        Exception next = e;
        int guard = 0;
        while (next instanceof MessagingException me && guard++ <= to.length + 2) {
            if (me instanceof SMTPAddressFailedException f) {
                rcpt.put(f.getAddress(), Reply.ofResponse(f.getReturnCode(), f.getMessage()));
            } else if (me instanceof SMTPAddressSucceededException s) {
                rcpt.put(s.getAddress(), Reply.ofResponse(s.getReturnCode(), s.getMessage()));
            }
            next = me.getNextException();
        }
        if (next instanceof IOException) {
            throw failure("lost the connection to " + settings.name() + " while sending", e);
        }
        Reply whole;
        if (e instanceof SMTPSendFailedException s) {
            // "." is the reply to the message itself; MAIL or DATA refused every recipient alike.
            whole = Reply.ofResponse(s.getReturnCode(), s.getMessage());
        } else {
            // Angus: every RCPT refused, nothing sent; each refusal is in the chain.
            whole = new Reply(554, "5.5.0", "no valid recipients");
        }
        return replies(to, rcpt, whole);
    }

    private List<RecipientReply> replies(InternetAddress[] to, Map<InternetAddress, Reply> rcpt, Reply whole) {
        List<RecipientReply> out = new ArrayList<>(to.length);
        for (InternetAddress a : to) {
            Reply r = rcpt == null ? null : rcpt.get(a);
            Reply answer = r != null && r.code() / 100 != 2 ? r : whole;
            out.add(RecipientReply.of(a.getAddress(), said(answer)));
        }
        return out;
    }

    /** The far side's words, with its name: what the client's log and bounce will show. */
    private Reply said(Reply r) {
        return new Reply(r.code(), r.status(), settings.name() + " said: " + r.text());
    }

    /** RFC 8689 §5: {@code TLS-Required: No} in the header section. */
    private static boolean tlsRequiredNo(Spool spool) {
        HeaderBlock h = HeaderBlock.parse(spool.head(), spool.headLength());
        for (HeaderBlock.Field f : h.named("TLS-Required")) {
            if (h.value(f).strip().equalsIgnoreCase("No")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Connects as a delivery would (TLS, certificate check, AUTH) and says QUIT: what the doctor
     * reports. Returns what was proven; a {@link Refusal} says what failed, as a delivery would.
     */
    public static String reach(SmtpSettings s) throws Refusal {
        Connection c = Connection.open(s, resolve(s), List.of(), s.tls() == SmtpSettings.TlsMode.VERIFY);
        try {
            SmtpSettings.TlsMode m = s.tls();
            String tls = c.verifies ? ", TLS with a verified certificate"
                    : s.implicitTls() || m == SmtpSettings.TlsMode.ENCRYPT ? ", TLS (certificate not checked)"
                    : m == SmtpSettings.TlsMode.MAY ? ", TLS if offered (certificate not checked)" : ", no TLS";
            return "connected" + tls + s.auth().map(a -> ", AUTH " + a.mechanism() + " as " + a.user() + " accepted").orElse("")
                    + (c.transport.supportsExtension("REQUIRETLS") ? ", REQUIRETLS offered" : "");
        } finally {
            c.close();
        }
    }

    /**
     * Opens (or checks, when open) the connection this message goes over: what {@link #deliver}
     * uses next. {@code transport mx} calls it first, to try the next MX host when
     * this one cannot be reached.
     */
    void connect(Envelope envelope, Spool spool) throws Refusal {
        open(envelope, spool);
    }

    private Connection open(Envelope envelope, Spool spool) throws Refusal {
        boolean relax = !envelope.requireTls() && settings.tls() == SmtpSettings.TlsMode.VERIFY
                && settings.auth().isEmpty() && tlsRequiredNo(spool);
        return connection(relax);
    }

    /** The open connection for this kind of message, checked, or a new one. */
    private Connection connection(boolean relax) throws Refusal {
        Connection c = relax ? relaxed : verified;
        if (c != null && c.recentlyAnswered()) {
            c.unchecked = true;
            return c;
        }
        if (c != null && c.transport.isConnected()) { // NOOP: the far side may have dropped an idle one
            c.unchecked = false;
            c.answered();
            return c;
        }
        if (c != null) {
            c.close();
        }
        if (addresses == null) {
            addresses = resolve(settings);
        }
        c = Connection.open(settings, addresses, relax ? List.of() : dane,
                !relax && settings.tls() == SmtpSettings.TlsMode.VERIFY);
        c.answered();
        if (relax) {
            relaxed = c;
        } else {
            verified = c;
        }
        return c;
    }

    /**
     * The smarthost's addresses of the families {@code inet_protocols} admits, from the system
     * resolver (a numeric host is itself). Through a SOCKS5 proxy: none, the name is given as is.
     */
    static List<InetAddress> resolve(SmtpSettings s) throws Refusal {
        if (s.socks5().isPresent()) {
            return List.of();
        }
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(s.host().host());
        } catch (UnknownHostException e) {
            throw new Refusal(SysExit.TEMPFAIL, "4.4.3", "cannot resolve " + s.name() + ": " + reason(e));
        }
        List<InetAddress> admitted = new ArrayList<>();
        for (InetAddress a : all) {
            if (s.inet().admits(a) && admitted.size() < MAX_ADDRESSES) {
                admitted.add(a);
            }
        }
        if (admitted.isEmpty()) {
            throw new Refusal(SysExit.TEMPFAIL, "4.4.4", s.name() + " has no address that inet_protocols "
                    + s.inet().word() + " admits");
        }
        return admitted;
    }

    private Refusal failure(String what, Exception e) {
        return new Refusal(SysExit.TEMPFAIL, "4.4.2", what + ": " + reason(e));
    }

    /** The innermost cause, printable, without Java class names where a message exists. */
    static String reason(Throwable e) {
        Throwable t = e;
        String text = String.valueOf(e.getMessage());
        int guard = 0;
        while (guard++ < 10) {
            Throwable next = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException()
                    : t.getCause();
            if (next == null || next == t) {
                break;
            }
            t = next;
            if (t.getMessage() != null) {
                text = t.getMessage();
            }
        }
        return Printable.of(text.strip(), 300);
    }

    @Override
    public void close() {
        for (Connection c : new Connection[] {verified, relaxed}) {
            if (c != null) {
                c.close();
            }
        }
        verified = null;
        relaxed = null;
    }

    /** One SMTP session with the smarthost. */
    private static final class Connection {
        final Session session;
        final RcptParameters transport;
        final boolean verifies;
        /** Taken for this message without a NOOP ({@link #UNCHECKED_REUSE}). */
        boolean unchecked;
        /** System.nanoTime() when its last transaction ended with the far side's replies; 0: none yet. */
        private long answeredAt;
        private boolean closed;

        private Connection(Session session, RcptParameters transport, boolean verifies) {
            this.session = session;
            this.transport = transport;
            this.verifies = verifies;
        }

        /**
         * Connects to each address in turn until one answers; a TLS or AUTH failure ends the
         * attempt (another address of the same host would present the same). No address: the name.
         */
        static Connection open(SmtpSettings s, List<InetAddress> addresses, List<Tlsa> dane, boolean verify)
                throws Refusal {
            List<String> tries = addresses.isEmpty() ? List.of(s.host().host())
                    : addresses.stream().map(InetAddress::getHostAddress).toList();
            Refusal last = null;
            for (String a : tries) {
                try {
                    return open(s, a, dane, verify);
                } catch (Unreachable e) {
                    last = e.refusal;
                }
            }
            throw last;
        }

        /** One address that did not answer, so that the next is tried. */
        private static final class Unreachable extends Exception {
            final Refusal refusal;

            Unreachable(Refusal refusal) {
                super(refusal.reason(), null, false, false);
                this.refusal = refusal;
            }
        }

        private static Connection open(SmtpSettings s, String address, List<Tlsa> dane, boolean verify)
                throws Refusal, Unreachable {
            String protocol = s.implicitTls() ? "smtps" : "smtp";
            String p = "mail." + protocol + ".";
            Properties props = new Properties();
            props.put(p + "host", address);
            props.put(p + "port", Integer.toString(s.host().port()));
            props.put(p + "connectiontimeout", Long.toString(s.connectTimeout().toMillis()));
            props.put(p + "timeout", Long.toString(s.timeout().toMillis()));
            props.put(p + "writetimeout", Long.toString(s.timeout().toMillis()));
            props.put(p + "sendpartial", "true");
            props.put(p + "reportsuccess", "true");
            props.put(p + "quitwait", "true");
            props.put("mail.mime.allowutf8", "true"); // RFC 6531 addresses as given; SMTPUTF8 when offered
            s.heloName().ifPresent(h -> props.put(p + "localhost", h));
            s.sourceAddress().ifPresent(a -> props.put(p + "localaddress", a.getHostAddress()));
            s.socks5().ifPresent(x -> {
                props.put(p + "socks.host", x.host());
                props.put(p + "socks.port", Integer.toString(x.port()));
            });
            SmtpSettings.TlsMode tls = s.tls();
            if (!s.implicitTls()) {
                props.put(p + "starttls.enable", Boolean.toString(tls != SmtpSettings.TlsMode.NONE));
                props.put(p + "starttls.required", Boolean.toString(
                        tls == SmtpSettings.TlsMode.ENCRYPT || tls == SmtpSettings.TlsMode.VERIFY));
            }
            if (s.implicitTls() || tls != SmtpSettings.TlsMode.NONE) {
                props.put(p + "ssl.socketFactory", TlsSockets.factory(s, verify, dane));
                props.put(p + "ssl.checkserveridentity", "false"); // the JDK checks it in the handshake (TlsSockets)
            }
            String user = null;
            String secret = null;
            if (s.auth().isPresent()) {
                SmtpSettings.SmtpAuth a = s.auth().get();
                props.put(p + "auth", "true");
                props.put(p + "auth.mechanisms", a.mechanism().name()); // this one only
                props.put(p + "sasl.enable", "false");
                user = a.user();
                secret = Secrets.read(a.secret());
            } else {
                props.put(p + "auth", "false");
            }
            Session session = Session.getInstance(props);
            RcptParameters t;
            try {
                t = new RcptParameters(session, protocol, s.implicitTls());
                t.connect(address, s.host().port(), user, secret);
            } catch (AuthenticationFailedException e) {
                throw new Refusal(SysExit.TEMPFAIL, "4.7.8", s.name() + " refused our authentication ("
                        + s.auth().get().mechanism() + " as " + user + "): " + reason(e));
            } catch (MessagingException e) {
                boolean tlsProblem = hasCause(e, SSLException.class)
                        || String.valueOf(e.getMessage()).toUpperCase(Locale.ROOT).contains("STARTTLS");
                String at = address.equals(s.host().host()) ? "" : " [" + address + "]";
                Refusal r = new Refusal(SysExit.TEMPFAIL, tlsProblem ? "4.7.5" : "4.4.1",
                        (tlsProblem ? "no " + (verify ? "verified " : "") + "TLS with " : "cannot connect to ")
                                + s.name() + at + ": " + reason(e));
                if (tlsProblem) {
                    throw r;
                }
                throw new Unreachable(r); // not answering, or not with 220: the next address may
            }
            return new Connection(session, t, verify);
        }

        private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
            Throwable t = e;
            for (int i = 0; i < 10 && t != null; i++) {
                if (type.isInstance(t)) {
                    return true;
                }
                t = t instanceof MessagingException me && me.getNextException() != null ? me.getNextException()
                        : t.getCause();
            }
            return false;
        }

        void answered() {
            answeredAt = System.nanoTime();
        }

        boolean recentlyAnswered() {
            return !closed && answeredAt != 0 && System.nanoTime() - answeredAt < UNCHECKED_REUSE;
        }

        void close() {
            closed = true;
            try {
                transport.close();
            } catch (MessagingException | RuntimeException e) {
                // the far side went away already; nothing was pending
            }
        }
    }
}
