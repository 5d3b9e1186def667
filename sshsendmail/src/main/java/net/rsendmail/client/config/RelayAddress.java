package net.rsendmail.client.config;

/**
 * One relay: {@code USER@HOST[:PORT]}; an IPv6 address is written in brackets
 * ({@code mail@[2001:db8::1]:2222}).
 */
public record RelayAddress(String user, String host, int port) {
    public static final int DEFAULT_PORT = 22;

    /** Parses the config value; the message of the exception says what is wrong. */
    public static RelayAddress parse(String text) throws IllegalArgumentException {
        int at = text.lastIndexOf('@');
        if (at <= 0) {
            throw new IllegalArgumentException("expected USER@HOST[:PORT], got '" + text + "'");
        }
        String user = text.substring(0, at);
        String hostPort = text.substring(at + 1);
        for (int i = 0; i < user.length(); i++) {
            char c = user.charAt(i);
            boolean ok = Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
            if (!ok || user.charAt(0) == '-') {
                throw new IllegalArgumentException("bad user name '" + user + "'");
            }
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'[' without ']' in '" + text + "'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
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
            int colon = hostPort.lastIndexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
            if (host.isEmpty() || host.length() > 253 || !host.matches("[A-Za-z0-9_.-]+") || host.startsWith("-")) {
                throw new IllegalArgumentException("bad host name '" + host + "'");
            }
        }
        int p = DEFAULT_PORT;
        if (port != null) {
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("bad port '" + port + "'");
            }
            p = Integer.parseInt(port);
        }
        return new RelayAddress(user, host, p);
    }

    /** How known_hosts names this host: {@code host} on port 22, else {@code [host]:port}. */
    public String knownHostsName() {
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    @Override
    public String toString() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return user + "@" + h + (port == DEFAULT_PORT ? "" : ":" + port);
    }
}
