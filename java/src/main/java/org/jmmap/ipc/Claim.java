package org.jmmap.ipc;

import java.nio.ByteBuffer;

/**
 * Space for one message, claimed in the ring by {@link ChannelSender#claim}: write the message into
 * {@link #buffer()} in place (no copy), then {@link #commit()} to deliver it or {@link #abort()} to drop it. The
 * receiver sees nothing of it before the commit. Until then the sender cannot send anything else, and in a
 * {@link ChannelOptions.Producers#MULTI MULTI} channel messages other senders commit later wait behind it at the
 * receiver: keep claims short. Claimed messages are never compressed.
 *
 * <p>{@code close()} aborts a claim that was neither committed nor aborted, so a try-with-resources block drops
 * the message if the code writing it throws.
 */
public interface Claim extends AutoCloseable {

    /**
     * The claimed bytes: a view of the ring of {@link #length()} bytes, position 0, big-endian (set another
     * order if you like). Valid until {@code commit} or {@code abort}; writes after that land in memory that belongs
     * to later messages.
     *
     * @throws IllegalStateException if the claim was committed or aborted
     */
    ByteBuffer buffer();

    /** The bytes claimed. */
    int length();

    /**
     * Delivers the message: all {@link #length()} bytes.
     *
     * @throws IllegalStateException if the claim was already committed or aborted
     */
    void commit();

    /**
     * Delivers the first {@code length} bytes as the message; the rest of the claim is skipped.
     *
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #length()}
     * @throws IllegalStateException    if the claim was already committed or aborted
     */
    void commit(int length);

    /**
     * Drops the message: the receiver skips it.
     *
     * @throws IllegalStateException if the claim was already committed or aborted
     */
    void abort();

    /** Aborts the claim unless it was committed or aborted; otherwise does nothing. */
    @Override
    void close();
}
