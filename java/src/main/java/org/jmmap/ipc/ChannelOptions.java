package org.jmmap.ipc;

import java.util.Objects;

/**
 * How {@link ShmChannel#create} lays out a channel, and how this process's senders and receivers behave. Immutable:
 * each {@code withX} method returns a copy.
 *
 * <pre>{@code
 * ChannelOptions options = ChannelOptions.defaults()
 *         .withCapacity(64 << 20)                       // a 64 MiB ring
 *         .withProducers(ChannelOptions.Producers.MULTI) // several sending processes or threads
 *         .withCompression(Compression.LZ4);
 * }</pre>
 *
 * Capacity, producers, maximum message size and fragment length are written into the channel's header and read
 * back by {@link ShmChannel#open}; the compression is written there as the default of every sender; the wait
 * strategy belongs to the process that passes it (a channel opened with {@code open} waits with
 * {@link WaitStrategy#DEFAULT} unless given another).
 */
public final class ChannelOptions {

    /** Who may send. */
    public enum Producers {
        /** One sender at a time (in any process): the fastest, no atomic instruction on the send path. */
        SINGLE,
        /**
         * Up to {@value ChannelDescriptor#SLOT_COUNT} senders at once, in any threads and processes; each claims
         * its records with an atomic add on the tail. Messages of one sender arrive in the order it sent them.
         */
        MULTI
    }

    /** The default capacity: 1 MiB. */
    public static final int DEFAULT_CAPACITY = 1 << 20;
    /** The default largest message: 64 MiB (longer ones go through {@link ChannelSender#openStream()}). */
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 64L << 20;
    /** The largest maximum message size: the largest Java array. */
    public static final long MAX_MESSAGE_SIZE_LIMIT = Integer.MAX_VALUE - 8;
    /** The default payload of a full fragment (clamped to {@code capacity / 4 - 8}). */
    public static final int DEFAULT_FRAGMENT_LENGTH = 256 << 10;
    /** The smallest fragment payload. */
    public static final int MIN_FRAGMENT_LENGTH = 64;

    private static final ChannelOptions DEFAULTS = new ChannelOptions(DEFAULT_CAPACITY, Producers.SINGLE,
            WaitStrategy.DEFAULT, Compression.NONE, DEFAULT_MAX_MESSAGE_SIZE, 0);

    private final int capacity;
    private final Producers producers;
    private final WaitStrategy waitStrategy;
    private final Compression compression;
    private final long maxMessageSize;
    /** 0: the default for the capacity. */
    private final int fragmentLength;

    private ChannelOptions(int capacity, Producers producers, WaitStrategy waitStrategy, Compression compression,
                           long maxMessageSize, int fragmentLength) {
        this.capacity = capacity;
        this.producers = producers;
        this.waitStrategy = waitStrategy;
        this.compression = compression;
        this.maxMessageSize = maxMessageSize;
        this.fragmentLength = fragmentLength;
    }

    /** A 1 MiB ring, one producer, {@link WaitStrategy#DEFAULT}, no compression, messages up to 64 MiB. */
    public static ChannelOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The ring's size in bytes.
     *
     * @throws IllegalArgumentException if {@code bytes} is not a power of two in
     *                                  [{@value ChannelDescriptor#MIN_CAPACITY}, 2^30]
     */
    public ChannelOptions withCapacity(int bytes) {
        checkCapacity(bytes);
        return new ChannelOptions(bytes, producers, waitStrategy, compression, maxMessageSize, fragmentLength);
    }

    /** Who may send. */
    public ChannelOptions withProducers(Producers producers) {
        Objects.requireNonNull(producers, "producers");
        return new ChannelOptions(capacity, producers, waitStrategy, compression, maxMessageSize, fragmentLength);
    }

    /** How this process's senders and receivers wait. */
    public ChannelOptions withWaitStrategy(WaitStrategy waitStrategy) {
        Objects.requireNonNull(waitStrategy, "waitStrategy");
        return new ChannelOptions(capacity, producers, waitStrategy, compression, maxMessageSize, fragmentLength);
    }

    /** How senders compress by default (receivers need no setting: each record names its codec). */
    public ChannelOptions withCompression(Compression compression) {
        Objects.requireNonNull(compression, "compression");
        return new ChannelOptions(capacity, producers, waitStrategy, compression, maxMessageSize, fragmentLength);
    }

    /**
     * The largest message, in bytes, that {@code offer}/{@code send} accept and {@code poll}/{@code receive}
     * reassemble in memory. Streams ({@link ChannelSender#openStream()}) have no limit.
     *
     * @throws IllegalArgumentException if {@code bytes} is negative or above {@link #MAX_MESSAGE_SIZE_LIMIT}
     */
    public ChannelOptions withMaxMessageSize(long bytes) {
        if (bytes < 0 || bytes > MAX_MESSAGE_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxMessageSize=" + bytes + ": must be in [0, "
                    + MAX_MESSAGE_SIZE_LIMIT + "]");
        }
        return new ChannelOptions(capacity, producers, waitStrategy, compression, bytes, fragmentLength);
    }

    /**
     * The payload bytes of a full fragment of a message longer than one record, or of a stream.
     *
     * @throws IllegalArgumentException if {@code bytes} is below {@value #MIN_FRAGMENT_LENGTH} or not a multiple
     *                                  of 8 (the limit of {@code capacity / 4 - 8} is checked at create)
     */
    public ChannelOptions withFragmentLength(int bytes) {
        if (bytes < MIN_FRAGMENT_LENGTH || bytes % ChannelDescriptor.RECORD_ALIGNMENT != 0) {
            throw new IllegalArgumentException("fragmentLength=" + bytes + ": must be a multiple of 8 and >= "
                    + MIN_FRAGMENT_LENGTH);
        }
        return new ChannelOptions(capacity, producers, waitStrategy, compression, maxMessageSize, bytes);
    }

    /** The ring's size in bytes. */
    public int capacity() {
        return capacity;
    }

    /** Who may send. */
    public Producers producers() {
        return producers;
    }

    /** How this process's senders and receivers wait. */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    /** How senders compress by default. */
    public Compression compression() {
        return compression;
    }

    /** The largest message offer/send accept and poll/receive reassemble, in bytes. */
    public long maxMessageSize() {
        return maxMessageSize;
    }

    /** The payload bytes of a full fragment: the value set, or the default for the capacity. */
    public int fragmentLength() {
        return fragmentLength != 0 ? fragmentLength : Math.min(DEFAULT_FRAGMENT_LENGTH, maxRecordPayload(capacity));
    }

    /** Whether a fragment length was set explicitly (it must then fit the capacity). */
    boolean fragmentLengthSet() {
        return fragmentLength != 0;
    }

    /** The largest payload of one record in a ring of {@code capacity}: a quarter of the ring, less the header. */
    static int maxRecordPayload(int capacity) {
        return capacity / 4 - ChannelDescriptor.RECORD_HEADER_LENGTH;
    }

    static void checkCapacity(long bytes) {
        if (bytes < ChannelDescriptor.MIN_CAPACITY || bytes > ChannelDescriptor.MAX_CAPACITY
                || Long.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("capacity=" + bytes + ": must be a power of two in ["
                    + ChannelDescriptor.MIN_CAPACITY + ", " + ChannelDescriptor.MAX_CAPACITY + "]");
        }
    }

    @Override
    public String toString() {
        return "ChannelOptions[capacity=" + capacity + ", producers=" + producers + ", " + waitStrategy
                + ", compression=" + compression + ", maxMessageSize=" + maxMessageSize + ", fragmentLength="
                + fragmentLength() + "]";
    }
}
