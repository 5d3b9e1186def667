package net.rsendmail.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MxOrderTest {
    private static final List<MailExchanger> MX = List.of(new MailExchanger(20, "c"), new MailExchanger(10, "a1"),
            new MailExchanger(30, "d"), new MailExchanger(10, "a2"), new MailExchanger(10, "a3"), new MailExchanger(20, "b"));

    @Test
    void lowestPreferenceFirstAndEqualOnesInEveryOrder() {
        Set<List<String>> firstThree = new HashSet<>();
        Set<List<String>> middle = new HashSet<>();
        for (long seed = 0; seed < 400; seed++) {
            List<MailExchanger> o = MxOrder.order(MX, new Random(seed));
            assertEquals(List.of(10, 10, 10, 20, 20, 30), o.stream().map(MailExchanger::preference).toList());
            firstThree.add(o.subList(0, 3).stream().map(MailExchanger::host).toList());
            middle.add(o.subList(3, 5).stream().map(MailExchanger::host).toList());
            assertEquals("d", o.get(5).host());
        }
        assertEquals(6, firstThree.size(), "all 3! orders of the preference-10 hosts occur");
        assertEquals(2, middle.size());
    }

    @Test
    void emptyAndSingle() {
        assertEquals(List.of(), MxOrder.order(List.of(), new Random(1)));
        assertEquals(List.of(new MailExchanger(5, "x")), MxOrder.order(List.of(new MailExchanger(5, "x")), new Random(1)));
    }
}
