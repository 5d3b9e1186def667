package net.rsendmail.client.ssh;

import net.rsendmail.client.config.RelayAddress;
import net.rsendmail.client.log.ClientLog;
import net.rsendmail.lmtp.Transcript;
import org.slf4j.Logger;

/**
 * The dialogue with a relay at debug level, which {@code -v} shows on stderr (sendmail(8) -v: the
 * transcript of a test send): each LMTP line, the plain mode's command and exit status.
 */
final class WireLog implements Transcript {
    private static final Logger LOG = ClientLog.get("relay");

    private final RelayAddress relay;

    private WireLog(RelayAddress relay) {
        this.relay = relay;
    }

    /** The transcript for one relay, or none when nobody reads debug lines. */
    static Transcript of(RelayAddress relay) {
        return LOG.isDebugEnabled() ? new WireLog(relay) : Transcript.NONE;
    }

    static void note(RelayAddress relay, String what) {
        LOG.debug("relay {}: {}", relay, what);
    }

    @Override
    public void sent(String line) {
        LOG.debug("relay {} >>> {}", relay, line);
    }

    @Override
    public void received(String line) {
        LOG.debug("relay {} <<< {}", relay, line);
    }

    @Override
    public void body(long octets) {
        LOG.debug("relay {} >>> (message, {} octets)", relay, octets);
    }
}
