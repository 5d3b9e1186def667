package net.rsendmail.relay.transport;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * {@code inet_protocols}: the address families the relay connects over (Postfix's parameter of the
 * same name), e.g. IPv4 only while the IPv6 addresses have no PTR records yet.
 */
public enum InetProtocols {
    IPV4, IPV6, ALL;

    public boolean admits(InetAddress a) {
        return this == ALL || (this == IPV4 ? a instanceof Inet4Address : a instanceof Inet6Address);
    }

    /** As in the config file: {@code ipv4}, {@code ipv6}, {@code all}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
