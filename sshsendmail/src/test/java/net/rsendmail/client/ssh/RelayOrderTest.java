package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.rsendmail.client.config.RelayAddress;
import org.junit.jupiter.api.Test;

/** After a lost answer the relay that may hold the ENVID record is tried first (README §8). */
class RelayOrderTest {
    static final RelayAddress A = RelayAddress.parse("rs@a.example");
    static final RelayAddress B = RelayAddress.parse("rs@b.example:2222");
    static final RelayAddress C = RelayAddress.parse("rs@c.example");

    @Test
    void theConfiguredOrderWithoutALostAnswer() {
        assertEquals(List.of(A, B, C), SshSender.order(List.of(A, B, C), null));
    }

    @Test
    void theRelayOfTheLostAnswerFirstThenTheRestInOrder() {
        assertEquals(List.of(B, A, C), SshSender.order(List.of(A, B, C), B));
        assertEquals(List.of(C, A, B), SshSender.order(List.of(A, B, C), C));
        assertEquals(List.of(A, B, C), SshSender.order(List.of(A, B, C), A));
    }

    @Test
    void aRelayNoLongerConfiguredIsIgnored() {
        assertEquals(List.of(A, C), SshSender.order(List.of(A, C), B));
    }
}
