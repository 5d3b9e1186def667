package net.rsendmail.relay.policy;

import java.util.List;
import net.rsendmail.relay.transport.TransportSetting;

/**
 * What one SSH key may do (SPEC §2.4). Empty {@code senders} or {@code recipients} means any.
 *
 * @param maxPerHour messages per hour, 0 for no limit
 * @param transport where this key's messages go next (SPEC §2.6)
 */
public record Policy(
        String name,
        List<AddressPattern> senders,
        boolean headerFromMatch,
        boolean nullSender,
        List<AddressPattern> recipients,
        long maxSize,
        int maxRecipients,
        int maxPerHour,
        boolean allowExtract,
        boolean allowBareLocal,
        boolean allowLmtp,
        TransportSetting transport) {

    public static final long DEFAULT_MAX_SIZE = 50L << 20;
    public static final int DEFAULT_MAX_RECIPIENTS = 100;

    /** Built-in safe defaults: any sender, any recipient, 50 MB, 100 recipients, the relay's sendmail. */
    public static Policy defaults(String name) {
        return defaults(name, new TransportSetting.Sendmail());
    }

    /** The built-in defaults with the config's top-level {@code transport}. */
    public static Policy defaults(String name, TransportSetting transport) {
        return new Policy(name, List.of(), false, true, List.of(), DEFAULT_MAX_SIZE,
                DEFAULT_MAX_RECIPIENTS, 0, true, false, true, transport);
    }

    public boolean senderAllowed(String address) {
        return matchesAny(senders, address);
    }

    public boolean recipientAllowed(String address) {
        return matchesAny(recipients, address);
    }

    private static boolean matchesAny(List<AddressPattern> patterns, String address) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (AddressPattern p : patterns) {
            if (p.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
