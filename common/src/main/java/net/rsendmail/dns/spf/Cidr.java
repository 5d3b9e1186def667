package net.rsendmail.dns.spf;

import java.net.InetAddress;

/** Whether an address lies in a network (RFC 4632 §3.1 prefix notation); other families never do. */
final class Cidr {
    private Cidr() {
    }

    static boolean contains(InetAddress network, int prefix, InetAddress ip) {
        byte[] n = network.getAddress();
        byte[] a = ip.getAddress();
        if (n.length != a.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (n[i] != a[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (n[full] & mask) == (a[full] & mask);
    }
}
