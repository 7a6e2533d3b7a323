package org.jmmap.ipc;

/**
 * A snapshot of a channel's counters ({@link ShmChannel#stats()}), read from its shared header: what all its
 * senders and receivers, in any process, have done since it was created. The counters are read one by one while
 * the channel runs, so they need not agree with each other exactly.
 *
 * @param capacity          the ring's size in bytes
 * @param tail              TAIL: bytes claimed by producers since creation (records, padding included)
 * @param head              HEAD: bytes consumed since creation
 * @param messagesSent      messages senders committed
 * @param bytesSent         message bytes (uncompressed) senders committed
 * @param messagesReceived  messages receivers handed over (to handlers or as ended streams)
 * @param bytesReceived     message bytes (uncompressed) receivers handed over
 * @param senderSleeps      times a sender slept in the kernel waiting for room
 * @param receiverSleeps    times a receiver slept in the kernel waiting for a message
 * @param messagesAbandoned messages dropped unfinished: their producer died or aborted them, or they were over
 *                          the maximum size, or a new receiver resumed in their middle
 * @param recordsSealed     records or claimed space left half-written by dead producers that the receiver skipped
 * @param producers         senders attached now
 * @param receiverPid       the attached receiver's pid, 0 if none
 */
public record ChannelStats(int capacity, long tail, long head, long messagesSent, long bytesSent,
                           long messagesReceived, long bytesReceived, long senderSleeps, long receiverSleeps,
                           long messagesAbandoned, long recordsSealed, int producers, int receiverPid) {

    /** Bytes in the ring now: claimed by producers and not yet consumed. */
    public long bytesInRing() {
        return Math.max(0, tail - head);
    }
}
