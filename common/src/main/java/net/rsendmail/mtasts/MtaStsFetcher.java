package net.rsendmail.mtasts;

import net.rsendmail.mail.Printable;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import net.rsendmail.dns.Answer;
import net.rsendmail.dns.DnsResolver;

/**
 * Fetches a domain's policy from {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} (RFC 8461
 * §3.3): the policy host's addresses from the given resolver (A, then AAAA, at most
 * {@link #MAX_ADDRESSES} tried in turn), TLS with SNI and the certificate checked against the host
 * name ("HTTPS" endpoint identification) by the caller's PKIX socket factory, one GET, the answer
 * read by {@link MtaStsHttp} and parsed by {@link MtaStsPolicy}. Connecting, the handshake and
 * reading are bounded together by the timeout; the DNS lookups by the resolver's own.
 */
public final class MtaStsFetcher {
    public static final int MAX_ADDRESSES = 4;
    private static final int HTTPS_PORT = 443;
    static final String PATH = "/.well-known/mta-sts.txt";

    /** The fetched policy, or what failed. */
    public sealed interface Fetched permits Fetched.Policy, Fetched.Failed {
        record Policy(MtaStsPolicy policy) implements Fetched {
        }

        /** One printable line: the policy host, and what failed and why. */
        record Failed(String reason) implements Fetched {
        }
    }

    private MtaStsFetcher() {
    }

    public static Fetched fetch(DnsResolver dns, String domain, SSLSocketFactory pkix, Duration timeout) {
        String d = (domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain).toLowerCase(Locale.ROOT);
        String host = "mta-sts." + d;
        if (!MxPattern.isDomain(d) || !MxPattern.isDomain(host)) { // a host name (RFC 5321 §4.1.2) for SNI and Host:
            return new Fetched.Failed("'" + Printable.of(domain) + "' is not a domain name");
        }
        Deadline deadline = new Deadline(timeout);
        Answer<InetAddress> v4 = dns.a(host);
        Answer<InetAddress> v6 = dns.aaaa(host);
        List<InetAddress> addresses = new ArrayList<>();
        for (Answer<InetAddress> a : List.of(v4, v6)) {
            if (a instanceof Answer.Found<InetAddress> f) {
                addresses.addAll(f.records());
            }
        }
        if (addresses.isEmpty()) {
            return new Fetched.Failed(host + ": no address (A: " + why(v4) + "; AAAA: " + why(v6) + ")");
        }
        List<String> failures = new ArrayList<>();
        for (InetAddress address : addresses.subList(0, Math.min(MAX_ADDRESSES, addresses.size()))) {
            if (deadline.millisLeft() == 0) {
                failures.add("[" + address.getHostAddress() + "]: timed out");
                break;
            }
            Fetched f = fetchFrom(address, host, pkix, deadline);
            if (f instanceof Fetched.Policy) {
                return f;
            }
            failures.add("[" + address.getHostAddress() + "]: " + ((Fetched.Failed) f).reason());
        }
        return new Fetched.Failed(host + " " + String.join("; ", failures));
    }

    /** One attempt at one address; the reason of a failure without the host name. */
    private static Fetched fetchFrom(InetAddress address, String host, SSLSocketFactory pkix, Deadline deadline) {
        Socket plain = new Socket();
        try (Deadline.Guard guard = deadline.guard(plain); plain) {
            try {
                plain.connect(new InetSocketAddress(address, HTTPS_PORT), deadline.millisLeft());
                plain.setSoTimeout(deadline.millisLeft());
                try (SSLSocket tls = (SSLSocket) pkix.createSocket(plain, host, HTTPS_PORT, true)) {
                    SSLParameters p = tls.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    p.setServerNames(List.of(new SNIHostName(host)));
                    p.setApplicationProtocols(new String[] {"http/1.1"});
                    tls.setSSLParameters(p);
                    tls.startHandshake();
                    tls.setSoTimeout(deadline.millisLeft());
                    OutputStream out = tls.getOutputStream();
                    out.write(("GET " + PATH + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: text/plain\r\n"
                            + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    MtaStsHttp.Response r = MtaStsHttp.read(new BufferedInputStream(tls.getInputStream()));
                    if (r instanceof MtaStsHttp.Response.Refused refused) {
                        return new Fetched.Failed(refused.reason());
                    }
                    MtaStsPolicy.Parsed parsed = MtaStsPolicy.parse(((MtaStsHttp.Response.Body) r).bytes());
                    if (parsed instanceof MtaStsPolicy.Parsed.Bad bad) {
                        return new Fetched.Failed("invalid policy: " + bad.reason());
                    }
                    return new Fetched.Policy(((MtaStsPolicy.Parsed.Ok) parsed).policy());
                }
            } catch (IOException e) {
                return new Fetched.Failed(guard.fired() ? "timed out" : FetchFailure.of(e, host));
            }
        } catch (IOException e) {
            return new Fetched.Failed("closing: " + FetchFailure.of(e, host));
        }
    }

    private static String why(Answer<InetAddress> a) {
        if (a instanceof Answer.NoData) {
            return "none";
        }
        if (a instanceof Answer.NxDomain) {
            return "no such name";
        }
        if (a instanceof Answer.Bogus<InetAddress> b) {
            return "DNSSEC validation failed: " + b.reason();
        }
        return a instanceof Answer.Failed<InetAddress> f ? f.reason() : "?";
    }
}
