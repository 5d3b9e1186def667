package net.rsendmail.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.rsendmail.dns.DnsResolver;
import net.rsendmail.dns.DnsSettings;
import net.rsendmail.dns.spf.SpfEvaluator;
import net.rsendmail.it.PrivateKnot.Zone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * net.rsendmail.dns.spf against an independent implementation, Debian's python3-spf (pyspf, over
 * dnspython), both asking the same knotd, for every result: the verdicts must be the same.
 */
class SpfIT {
    /** pyspf with dnspython's default resolver pointed at the test server; one verdict per line. */
    static final String PYSPF = String.join("\n",
            "import sys, dns.resolver, spf",
            "r = dns.resolver.Resolver(configure=False)",
            "r.nameservers = [sys.argv[1]]",
            "r.port = int(sys.argv[2])",
            "r.timeout = 2",
            "r.lifetime = 5",
            "dns.resolver.default_resolver = r",
            "args = sys.argv[3:]",
            "for k in range(0, len(args), 2):",
            "    print(spf.check2(i=args[k], s=args[k + 1], h='helo.spf.test')[0])");

    static String zone() {
        StringBuilder z = new StringBuilder(String.join("\n",
                "pass TXT \"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all\"",
                "soft TXT \"v=spf1 ~all\"",
                "neutral TXT \"v=spf1 ?all\"",
                "none TXT \"not spf\"",
                "two TXT \"v=spf1 -all\"", "two TXT \"v=spf1 +all\"",
                "inc TXT \"v=spf1 include:pass.spf.test -all\"",
                "a TXT \"v=spf1 a mx:mx.spf.test ~all\"", "a A 192.0.2.9",
                "mx MX 10 mail.mx", "mail.mx A 203.0.113.7",
                "ex TXT \"v=spf1 exists:%{ir}.list.spf.test -all\"", "5.2.0.192.list A 127.0.0.2",
                "void TXT \"v=spf1 a:n1.spf.test a:n2.spf.test a:n3.spf.test -all\"",
                "void2 TXT \"v=spf1 a:n1.spf.test a:n2.spf.test -all\"",
                "red TXT \"v=spf1 redirect=pass.spf.test\"",
                "temp TXT \"v=spf1 include:x.refused.invalid -all\"",
                "syntax TXT \"v=spf1 ip4:192.0.2.0/33 -all\"")).append('\n');
        StringBuilder many = new StringBuilder("many TXT \"v=spf1");
        for (int i = 1; i <= 11; i++) {
            many.append(" a:x").append(i).append(".spf.test");
            z.append('x').append(i).append(" A 198.51.100.98\n");
        }
        return z.append(many).append(" -all\"\n").toString();
    }

    /** client address, MAIL FROM, and the result RFC 7208 gives. */
    static final String[][] CASES = {
        {"192.0.2.5", "alice@pass.spf.test", "pass"},
        {"2001:db8::5", "alice@pass.spf.test", "pass"},
        {"198.51.100.1", "alice@pass.spf.test", "fail"},
        {"198.51.100.1", "alice@soft.spf.test", "softfail"},
        {"198.51.100.1", "alice@neutral.spf.test", "neutral"},
        {"198.51.100.1", "alice@none.spf.test", "none"},
        {"198.51.100.1", "alice@nothing.spf.test", "none"},
        {"198.51.100.1", "alice@two.spf.test", "permerror"},
        {"192.0.2.5", "alice@inc.spf.test", "pass"},
        {"198.51.100.1", "alice@inc.spf.test", "fail"},
        {"192.0.2.9", "alice@a.spf.test", "pass"},
        {"203.0.113.7", "alice@a.spf.test", "pass"},
        {"203.0.113.8", "alice@a.spf.test", "softfail"},
        {"192.0.2.5", "alice@ex.spf.test", "pass"},
        {"192.0.2.6", "alice@ex.spf.test", "fail"},
        {"192.0.2.5", "alice@void.spf.test", "permerror"},
        {"192.0.2.5", "alice@void2.spf.test", "fail"},
        {"192.0.2.5", "alice@red.spf.test", "pass"},
        {"198.51.100.1", "alice@red.spf.test", "fail"},
        {"192.0.2.5", "alice@temp.spf.test", "temperror"},
        {"192.0.2.5", "alice@syntax.spf.test", "permerror"},
        {"198.51.100.99", "alice@many.spf.test", "permerror"},
    };

    @TempDir
    Path dir;

    @Test
    void sameVerdictsAsPyspfForEveryResult() throws Exception {
        try (PrivateKnot knot = new PrivateKnot(dir.resolve("knot"), new Zone("spf.test", zone(), Zone.Kind.UNSIGNED))) {
            // nothing here is signed: any anchor will do, none covers spf.test
            Path anchor = Files2.write(dir.resolve("anchor"), "anchor.invalid. 3600 IN DS 1 13 2 "
                    + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
            SpfEvaluator ours = new SpfEvaluator(DnsResolver.open(new DnsSettings(
                    List.of(DnsSettings.server(knot.server())), Duration.ofSeconds(2), anchor)));
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-c", PYSPF, knot.address,
                    String.valueOf(knot.port)));
            for (String[] c : CASES) {
                cmd.add(c[0]);
                cmd.add(c[1]);
            }
            Proc.Result py = Proc.run(cmd, null, Duration.ofSeconds(120), null, dir);
            assertEquals(0, py.exit(), py::toString);
            List<String> theirs = py.out().lines().toList();
            assertEquals(CASES.length, theirs.size(), py::toString);
            for (int i = 0; i < CASES.length; i++) {
                String[] c = CASES[i];
                String what = c[0] + " " + c[1];
                assertEquals(c[2], theirs.get(i), "pyspf, " + what);
                var v = ours.check(InetAddress.getByName(c[0]), c[1], "helo.spf.test");
                assertEquals(c[2], v.result().word(), what + ": " + v.why());
            }
        }
    }
}
