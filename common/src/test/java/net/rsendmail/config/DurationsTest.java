package net.rsendmail.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"-5, 0s", "0, 0s", "59, 59s", "119, 119s", "120, 2m", "3599, 59m", "7199, 119m", "7200, 2h",
        "172799, 47h", "172800, 2d", "864000, 10d"})
    void approximateRoundsDownToOneUnit(long seconds, String shown) {
        assertEquals(shown, Durations.approximate(Duration.ofSeconds(seconds).plusMillis(999)));
    }
}
