package net.rsendmail.relay.serve;

import java.util.List;

/**
 * What an accepted public-key check decided: the key counted by {@code max_sessions_per_key}
 * (for a certificate, the key it certifies) and the trusted options the relay runs with.
 */
record Login(String key, List<String> trusted) {
}
