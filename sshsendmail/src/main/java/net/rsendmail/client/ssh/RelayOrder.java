package net.rsendmail.client.ssh;

import java.util.ArrayList;
import java.util.List;
import net.rsendmail.client.config.RelayAddress;

/**
 * The order in which to try the configured relays. After a transaction whose answer was lost
 * (channel cut, timeout) the relay may have taken the message, and only its ENVID record
 * (SPEC §2.5) can tell the retry: another relay would hand the message over a second time. So
 * that relay comes first, whatever the configured order, until it cannot be reached (then no
 * relay has a record that helps, and the configured order applies again). Not thread-safe.
 */
final class RelayOrder {
    private final List<RelayAddress> configured;
    private RelayAddress stay;

    RelayOrder(List<RelayAddress> configured) {
        this.configured = List.copyOf(configured);
    }

    /** The relays to try, in order. */
    List<RelayAddress> relays() {
        if (stay == null || configured.get(0).equals(stay)) {
            return configured;
        }
        List<RelayAddress> out = new ArrayList<>(configured.size());
        out.add(stay);
        for (RelayAddress r : configured) {
            if (!r.equals(stay)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The answer to a transaction on {@code relay} was lost. */
    void answerLost(RelayAddress relay) {
        if (configured.contains(relay)) {
            stay = relay;
        }
    }

    /** {@code relay} could not be reached. */
    void unreachable(RelayAddress relay) {
        if (relay.equals(stay)) {
            stay = null;
        }
    }
}
