package net.rsendmail.client.delivery;

import sun.misc.Signal;

/**
 * SIGHUP as "read the configuration again" (as sshd(8) and Postfix do), instead of the JVM's
 * default, which ends the process. sun.misc.Signal (module jdk.unsupported) is the JDK's only way
 * to handle a signal; the handler runs on a JVM thread of its own.
 */
final class ReloadSignal {
    private ReloadSignal() {
    }

    static void install(Runnable onHangup) {
        Signal.handle(new Signal("HUP"), s -> onHangup.run());
    }
}
