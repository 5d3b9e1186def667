package net.rsendmail.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TerminalTest {

    @ParameterizedTest
    @CsvSource({
        "/dev/pts/3, true", "/dev/tty1, true", "/dev/ttyS0, true", "/dev/tty, true", "/dev/console, true",
        "/dev/null, false", "pipe:[12345], false", "socket:[99], false", "/var/log/sshsendmail.log, false",
        "/dev/pts/ptmx, false", "/tmp/dev/pts/1, false"})
    void terminalDevicesByTheirProcLink(String target, boolean terminal) {
        assertEquals(terminal, Terminal.isTerminalDevice(target), target);
    }
}
