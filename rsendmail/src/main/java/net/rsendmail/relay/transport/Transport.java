package net.rsendmail.relay.transport;

import java.util.List;
import net.rsendmail.mail.Refusal;
import net.rsendmail.relay.spool.Spool;

/** Where an accepted message goes next (SPEC §2.3 step 3, §2.6). */
public interface Transport {
    /**
     * Hands the message over; returns normally only when the next hop took it.
     *
     * @param sender "" for the null sender, null to let the next hop choose
     * @param skip byte ranges of the spool's head to leave out (Bcc fields), ascending
     */
    void deliver(String sender, List<String> recipients, Spool spool, List<int[]> skip) throws Refusal;
}
