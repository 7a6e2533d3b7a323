package org.jmmap.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * The receiving side of a {@link ShmChannel}, obtained from {@link ShmChannel#receiver()}: one per channel at a
 * time, used by one thread at a time. A receiver that attaches to a channel whose previous receiver closed or died
 * resumes after the last message that one consumed (messages it was handed in a poll it did not return from are
 * delivered again; the rest of a message it was in the middle of is skipped).
 *
 * <h2>Errors</h2>
 * A receiver waiting for a message checks every 100 ms whether the producers' processes still run: it throws
 * {@link PeerDiedException} once for each producer it finds dead, and for the message it was receiving if that
 * producer died before finishing it. Whatever a dead producer left half-written is never delivered: the receiver
 * skips it and carries on with the next producer's messages. An interrupt throws
 * {@link java.io.InterruptedIOException} with the interrupt status kept (a receiver asleep in the kernel notices it
 * within 100 ms); nothing is lost: the next call receives the message it was waiting for, except that a stream whose
 * read was interrupted is broken and the rest of its message is skipped.
 */
public interface ChannelReceiver extends AutoCloseable {

    /**
     * Hands up to {@code limit} complete messages that are in the ring now to {@code handler}; never waits.
     *
     * @return how many messages were handed over
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException    if the next message was sent as a stream ({@link ChannelSender#openStream()}):
     *                                  read it with {@link #openStream}; or a stream of this receiver is open, or
     *                                  the receiver is closed
     * @throws IllegalStateException    if a record needs LZ4 and lz4-java is missing (the record is skipped)
     */
    int poll(MessageHandler handler, int limit);

    /**
     * Hands the next message to {@code handler}, waiting at most {@code timeout} for it.
     *
     * @return whether a message was handed over ({@code false}: the time ran out)
     * @throws PeerDiedException if a producer's process died (see above)
     * @throws java.io.InterruptedIOException if the thread was interrupted while waiting
     * @throws IllegalStateException as for {@link #poll}
     */
    boolean receive(MessageHandler handler, Duration timeout) throws IOException;

    /**
     * The next message as a new array, waiting at most {@code timeout}; {@code null} if the time ran out.
     *
     * @throws PeerDiedException as for {@link #receive(MessageHandler, Duration)}
     */
    byte[] receive(Duration timeout) throws IOException;

    /**
     * The next message as a stream, whatever its length and however it was sent, waiting at most {@code timeout}
     * for it to start; {@code null} if the time ran out. Fragments are consumed as they are read, so the message
     * is never held whole. Each read waits for the next fragment at most {@code timeout} too. Close the stream
     * before the next {@code poll}, {@code receive} or {@code openStream}; closing it early skips the rest of the
     * message.
     *
     * @throws PeerDiedException as for {@link #receive(MessageHandler, Duration)}; its reads throw it too if the
     *                           producer dies before the message ends
     */
    InputStream openStream(Duration timeout) throws IOException;

    /** Detaches the receiver, so that another one can attach and resume where it stopped. Idempotent. */
    @Override
    void close();
}
