package net.rsendmail.relay.policy;

import java.util.List;

/**
 * What one SSH key may do (SPEC §2.4). Empty {@code senders} or {@code recipients} means any.
 *
 * @param maxPerHour messages per hour, 0 for no limit
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
        boolean allowLmtp) {

    public static final long DEFAULT_MAX_SIZE = 50L << 20;
    public static final int DEFAULT_MAX_RECIPIENTS = 100;

    /** Built-in safe defaults: any sender, any recipient, 50 MB, 100 recipients. */
    public static Policy defaults(String name) {
        return new Policy(name, List.of(), false, true, List.of(), DEFAULT_MAX_SIZE,
                DEFAULT_MAX_RECIPIENTS, 0, true, false, true);
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
