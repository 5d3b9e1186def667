package net.rsendmail.client.config;

import net.rsendmail.config.HostPort;

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
        HostPort hp = HostPort.parse(hostPort, DEFAULT_PORT);
        return new RelayAddress(user, hp.host(), hp.port());
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
