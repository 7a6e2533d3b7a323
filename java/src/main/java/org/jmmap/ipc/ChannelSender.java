package org.jmmap.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The sending side of a {@link ShmChannel}, obtained from {@link ShmChannel#sender()}. One thread uses a sender at a
 * time; in a {@link ChannelOptions.Producers#MULTI MULTI} channel, give each sending thread a sender of its own.
 *
 * <p>A message is a byte sequence of any length from 0: up to {@link #maxMessageSize()} through {@code offer},
 * {@code send} and {@code claim}, any length through {@link #openStream()}. A message that does not fit in one
 * record is sent in fragments that the receiver reassembles. Messages of one sender arrive in the order they were
 * sent, each whole or not at all.
 *
 * <h2>Errors</h2>
 * A sender waiting for space that the receiver is not freeing checks every 100 ms whether the receiver's process
 * still runs, and throws {@link PeerDiedException} once when it finds it dead (then waits for a new receiver, up
 * to its timeout). A timeout throws {@link org.jmmap.ErrnoException} with {@code errnoName()} {@code "ETIMEDOUT"}
 * and a {@link java.util.concurrent.TimeoutException} cause; an interrupt throws
 * {@link java.io.InterruptedIOException} with the interrupt status kept (a sender asleep in the kernel notices it
 * within 100 ms). After any of these nothing of the message is delivered, except for a stream, which is then broken
 * (see {@link ChannelOutputStream}), and the sender can send the next message.
 */
public interface ChannelSender extends AutoCloseable {

    /**
     * Sends {@code message} if the ring has room for it now; never waits.
     *
     * @return whether it was sent
     * @throws IllegalArgumentException if the message is longer than {@link #maxClaimLength()}: {@code offer}
     *                                  sends what fits in one record; use {@link #send} for longer ones
     * @throws IllegalStateException    if a claim or stream of this sender is open, or the sender is closed
     */
    boolean offer(byte[] message);

    /** {@link #offer(byte[])} of {@code message[offset, offset + length)}. */
    boolean offer(byte[] message, int offset, int length);

    /**
     * {@link #offer(byte[])} of the bytes between {@code message}'s position and limit; on success its position
     * moves to the limit.
     */
    boolean offer(ByteBuffer message);

    /**
     * Sends {@code message}, waiting at most {@code timeout} for room in the ring.
     *
     * @throws IllegalArgumentException if the message is longer than {@link #maxMessageSize()}
     * @throws PeerDiedException        if the receiver's process died while this sender waited for room
     * @throws org.jmmap.ErrnoException {@code ETIMEDOUT} if the time ran out before the whole message was in the
     *                                  ring (then nothing of it is delivered)
     * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
     * @throws IllegalStateException    if a claim or stream of this sender is open, or the sender is closed
     */
    void send(byte[] message, Duration timeout) throws IOException;

    /** {@link #send(byte[], Duration)} of {@code message[offset, offset + length)}. */
    void send(byte[] message, int offset, int length, Duration timeout) throws IOException;

    /**
     * {@link #send(byte[], Duration)} of the bytes between {@code message}'s position and limit; on success its
     * position moves to the limit.
     */
    void send(ByteBuffer message, Duration timeout) throws IOException;

    /**
     * Claims {@code length} bytes in the ring for one message, waiting for room as long as it takes; see
     * {@link Claim}.
     *
     * @throws IllegalArgumentException if {@code length} is negative or above {@link #maxClaimLength()}
     * @throws PeerDiedException        if the receiver's process died while this sender waited
     * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
     */
    Claim claim(int length) throws IOException;

    /** {@link #claim(int)}, waiting at most {@code timeout} (then {@code ETIMEDOUT}). */
    Claim claim(int length, Duration timeout) throws IOException;

    /** {@link #claim(int)} if the ring has room now; {@code null} otherwise. Never waits. */
    Claim tryClaim(int length);

    /**
     * Starts one message of any length, written as a stream: each full fragment goes to the receiver as soon as it
     * is written (so neither side holds the whole message), {@code flush()} sends what was written so far, and
     * {@code close()} ends the message. The receiver reads it with {@link ChannelReceiver#openStream}. In a MULTI
     * channel other senders wait while a stream is open.
     *
     * @throws IllegalStateException if a claim or stream of this sender is open, or the sender is closed
     */
    ChannelOutputStream openStream() throws IOException;

    /** The largest message {@code offer} and {@code claim} take: what fits in one record. */
    int maxClaimLength();

    /** The largest message {@code offer} and {@code send} take ({@link ChannelOptions#withMaxMessageSize}). */
    long maxMessageSize();

    /** How this sender compresses. */
    Compression compression();

    /**
     * Detaches the sender: aborts its open claim or stream, and frees its place so that another sender can
     * attach. Idempotent.
     */
    @Override
    void close();
}
