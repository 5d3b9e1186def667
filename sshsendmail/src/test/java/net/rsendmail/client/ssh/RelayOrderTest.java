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
        assertEquals(List.of(A, B, C), new RelayOrder(List.of(A, B, C)).relays());
    }

    @Test
    void theRelayOfTheLostAnswerFirstThenTheRestInOrder() {
        RelayOrder o = new RelayOrder(List.of(A, B, C));
        o.answerLost(B);
        assertEquals(List.of(B, A, C), o.relays());
        o.unreachable(A); // another relay down changes nothing
        assertEquals(List.of(B, A, C), o.relays());
        o.answerLost(C);
        assertEquals(List.of(C, A, B), o.relays(), "the latest loss decides");
        o.answerLost(A);
        assertEquals(List.of(A, B, C), o.relays());
    }

    @Test
    void untilThatRelayCannotBeReached() {
        RelayOrder o = new RelayOrder(List.of(A, B, C));
        o.answerLost(C);
        o.unreachable(C);
        assertEquals(List.of(A, B, C), o.relays());
    }

    @Test
    void aRelayNotConfiguredIsIgnored() {
        RelayOrder o = new RelayOrder(List.of(A, C));
        o.answerLost(B);
        assertEquals(List.of(A, C), o.relays());
    }
}
