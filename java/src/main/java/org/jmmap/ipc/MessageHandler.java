package org.jmmap.ipc;

import java.nio.ByteBuffer;

/** Receives the messages of {@link ChannelReceiver#poll} and {@link ChannelReceiver#receive}. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message. {@code message} holds it between its position and limit: a read-only view of the ring
     * itself where the message lies there whole and uncompressed (no copy), of a reassembly buffer otherwise; its
     * byte order is big-endian, as for any new buffer. The view and its content are valid only during this call: copy what must outlive it. The same object may be
     * passed again for the next message.
     *
     * <p>A handler that throws still consumes its message: the exception ends the poll and reaches its caller.
     */
    void onMessage(ByteBuffer message);
}
