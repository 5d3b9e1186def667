package net.rsendmail.it;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on a real condition, with a deadline. */
public final class Wait {
    private Wait() {
    }

    /** Polls {@code cond} until it holds; fails with {@code what} after {@code timeout}. */
    public static void until(BooleanSupplier cond, Duration timeout, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get());
            }
            sleep(50);
        }
    }

    /** A pause of real time (a retry delay to pass), never a stand-in for "nothing happened". */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
