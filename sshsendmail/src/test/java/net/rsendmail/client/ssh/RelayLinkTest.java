package net.rsendmail.client.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelayLinkTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "64|5.5.4 command not allowed: --lmtp|true",
        "77|5.7.1 batch mode (--lmtp) not allowed for this key|true",
        "2|rsendmail: error: unrecognized arguments: --lmtp|true",
        "2|''|false",
        "75|4.3.0 state directory unusable|false",
        "78|4.3.5 config broken|false",
        "1|SyntaxError: invalid syntax|false",
        "127|sh: rsendmail: not found|false",
    })
    void onlyADefiniteUnknownOptionMeansPlainMode(int exit, String stderr, boolean plain) {
        assertEquals(plain, RelayLink.unsupported(exit, stderr));
    }
}
