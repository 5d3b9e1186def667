package net.rsendmail.config;

/**
 * {@code HOST[:PORT]} from a config file: a host name (letters, digits, {@code _ . -}, not
 * starting with '-', at most 253 characters) or an IPv6 address in brackets
 * ({@code [2001:db8::1]:2222}); the port from 1 to 65535.
 */
public record HostPort(String host, int port) {
    /** Parses {@code text}; the exception's message says what is wrong. */
    public static HostPort parse(String text, int defaultPort) throws IllegalArgumentException {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'[' without ']' in '" + text + "'");
            }
            host = text.substring(1, close);
            String after = text.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':PORT' after ']' in '" + text + "'");
                }
                port = after.substring(1);
            }
            if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("bad IPv6 address '" + host + "'");
            }
        } else {
            int colon = text.lastIndexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
            if (host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9_.-]+") || host.startsWith("-")) {
                throw new IllegalArgumentException("bad host name '" + host + "'");
            }
        }
        int p = defaultPort;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("bad port '" + port + "'");
            }
            p = Integer.parseInt(port);
        }
        return new HostPort(host, p);
    }

    /** {@code host:port}, an IPv6 address in brackets. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
