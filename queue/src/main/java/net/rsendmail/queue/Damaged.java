package net.rsendmail.queue;

/** An entry or drop file that cannot be trusted; it goes to quarantine/, with this message as reason. */
final class Damaged extends Exception {
    Damaged(String message) {
        super(message);
    }
}
