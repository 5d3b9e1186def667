package net.rsendmail.queue;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Map;

/**
 * A message taken by one delivery runner; nobody else can claim it until it is released. Exactly
 * one of {@link #delivered}, {@link #defer}, {@link #requeue}, {@link #remove}, {@link #moveToFailed} ends the claim;
 * {@link #close} releases it unchanged if none was called. Not thread-safe.
 */
public interface Claim extends AutoCloseable {

    QueueId id();

    /** Envelope and state as stored; after {@link #delivered}/{@link #defer} the new state. */
    QueuedMessage message();

    /**
     * The raw message bytes exactly as received. Valid while the claim is held, and after
     * {@link #delivered} or {@link #moveToFailed} put the entry into failed/ (to build a bounce).
     */
    InputStream openBody() throws IOException;

    long size();

    /**
     * Records one attempt. DELIVERED recipients are removed for good; TEMPORARY ones stay pending
     * with their status; PERMANENT ones are kept as FAILED with their status. Pending recipients
     * missing from {@code results} stay as they were. Attempts + 1. When nothing is pending any more
     * the entry is removed, or moved to failed/ if any recipient failed; otherwise it goes back to
     * the queue, due at {@code nextAttempt}.
     *
     * @throws IllegalArgumentException if {@code results} names an address that is not pending
     */
    void delivered(Map<String, RecipientResult> results, Instant nextAttempt) throws QueueException;

    /**
     * Whole message back to the queue: attempts + 1, last status/error set, due at {@code nextAttempt}.
     *
     * @param enhancedStatus RFC 3463 code such as "4.4.1", or "" (else {@link IllegalArgumentException})
     */
    void defer(String enhancedStatus, String error, Instant nextAttempt) throws QueueException;

    /**
     * Back to the queue as it is, due at {@code nextAttempt}: recipients that failed are pending again
     * (with their last status), attempts unchanged (like {@code postsuper -r}).
     */
    void requeue(Instant nextAttempt) throws QueueException;

    /**
     * Records on disk, before returning, that the sender was warned of the delay at {@code at}
     * ({@link QueuedMessage#delayWarned()}), so that no later run warns again. The claim stays held.
     */
    void delayWarned(Instant at) throws QueueException;

    /**
     * Deletes the entry for good (e.g. after its bounce was queued). Also allowed after
     * {@link #delivered} or {@link #moveToFailed} put the entry into failed/.
     */
    void remove() throws QueueException;

    /** Moves the entry to failed/, with {@code reason} as last error, out of the delivery loop. */
    void moveToFailed(String reason) throws QueueException;

    /** Releases the claim unchanged if it was not ended; never throws (problems are logged). */
    @Override
    void close();
}
