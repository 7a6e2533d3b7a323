package org.jmmap.ipc;

import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_GENERATION_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_IDENTITY_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.CONSUMER_NAMESPACE_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.DATA_OFFSET;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_GENERATION;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_IDENTITY;
import static org.jmmap.ipc.ChannelDescriptor.SLOT_NAMESPACE;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.jmmap.Mapping;
import org.jmmap.sync.Futex;
import org.jmmap.sync.ProcessIdentity;

/**
 * The shared memory of one open channel: a view of the header and slots, a view of the ring, and the atomic
 * accesses the protocol makes on them. Like {@code org.jmmap.sync}, it uses HotSpot's atomics on {@code ByteBuffer}
 * views rather than {@link Mapping}'s SIGBUS-guarded ones, which cross JNI on file mappings: the channel's hot path
 * makes several such accesses per message.
 */
final class Ring {

    static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    final Mapping mapping;
    /** {@code [0, DATA_OFFSET)}: header page and producer slots. */
    final ByteBuffer header;
    /** The ring. */
    final ByteBuffer data;
    final int capacity;
    final int mask;
    final boolean multi;
    final long maxMessageSize;
    final int fragmentLength;
    final int maxRecordPayload;
    final Compression defaultCompression;
    final WaitStrategy waitStrategy;
    /** How long this process's receiver, and its senders, spin before yielding ({@link WaitStrategy#DEFAULT}). */
    final Waits.Spin dataSpin = new Waits.Spin();
    final Waits.Spin spaceSpin = new Waits.Spin();
    /** Set by {@link #markClosed()}; checked by every operation (through {@link #isClosed()}). */
    private boolean closed;
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(Ring.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Ring(Mapping mapping, int capacity, boolean multi, long maxMessageSize, int fragmentLength,
         Compression defaultCompression, WaitStrategy waitStrategy) {
        this.mapping = mapping;
        this.header = mapping.asByteBuffer(0, DATA_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
        this.data = mapping.asByteBuffer(DATA_OFFSET, capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.multi = multi;
        this.maxMessageSize = maxMessageSize;
        this.fragmentLength = fragmentLength;
        this.maxRecordPayload = ChannelOptions.maxRecordPayload(capacity);
        this.defaultCompression = defaultCompression;
        this.waitStrategy = waitStrategy;
    }

    /**
     * Whether the channel was closed, read plain: every offer and poll asks, and a volatile (or opaque) read there
     * acts as a compiler barrier after which the JIT reloads and re-checks the ring's buffers. Close safety does not
     * rest on this flag (a closed mapping's range stays readable and writable, inert, DESIGN decision 3); it only
     * gives the API its error. A plain read cannot be hoisted out of a caller's loop either: every offer and poll
     * makes an acquire or release access to the ring, which the JIT does not move loads across, so each call reads
     * the flag again.
     */
    boolean isClosed() {
        return closed;
    }

    /** {@link #isClosed()} for callers that need to see a close by another thread without touching the ring. */
    boolean isClosedVolatile() {
        return (boolean) CLOSED.getVolatile(this);
    }

    void markClosed() {
        CLOSED.setVolatile(this, true);
    }

    void checkOpen() {
        if (isClosed()) {
            throw new IllegalStateException("the channel is closed");
        }
    }

    // Header words

    long getLongVolatile(int offset) {
        return (long) LONG.getVolatile(header, offset);
    }

    long getLongAcquire(int offset) {
        return (long) LONG.getAcquire(header, offset);
    }

    long getLongOpaque(int offset) {
        return (long) LONG.getOpaque(header, offset);
    }

    void setLongRelease(int offset, long value) {
        LONG.setRelease(header, offset, value);
    }

    void setLongOpaque(int offset, long value) {
        LONG.setOpaque(header, offset, value);
    }

    void setLongVolatile(int offset, long value) {
        LONG.setVolatile(header, offset, value);
    }

    boolean compareAndSetLong(int offset, long expected, long value) {
        return LONG.compareAndSet(header, offset, expected, value);
    }

    long getAndAddLong(int offset, long delta) {
        return (long) LONG.getAndAdd(header, offset, delta);
    }

    /**
     * A plain store of a word only one side writes and that no other side waits on: the counters, SINGLE's TAIL
     * (read by stats and by a producer recovering after a dead one), HEAD (ordered before FREE by FREE's
     * release store). A VarHandle access re-checks the buffer (read-only, bounds, alignment, scope) after each
     * fence; these stores are most of a message's bookkeeping, and plain ones cost less and share their checks once
     * compiled. The offsets are 8-aligned, so HotSpot writes each with one 8-byte store, whole for any reader.
     */
    void setLongPlain(int offset, long value) {
        header.putLong(offset, value);
    }

    /** Adds to a counter only this process's side writes (opaque, so other processes read whole values). */
    void addCounter(int offset, long delta) {
        LONG.setOpaque(header, offset, (long) LONG.getOpaque(header, offset) + delta);
    }

    int getIntVolatile(int offset) {
        return (int) INT.getVolatile(header, offset);
    }

    int getIntAcquire(int offset) {
        return (int) INT.getAcquire(header, offset);
    }

    void setIntVolatile(int offset, int value) {
        INT.setVolatile(header, offset, value);
    }

    void setIntRelease(int offset, int value) {
        INT.setRelease(header, offset, value);
    }

    void setIntOpaque(int offset, int value) {
        INT.setOpaque(header, offset, value);
    }

    boolean compareAndSetInt(int offset, int expected, int value) {
        return INT.compareAndSet(header, offset, expected, value);
    }

    int getAndAddInt(int offset, int delta) {
        return (int) INT.getAndAdd(header, offset, delta);
    }

    // Records

    /** The record header at ring index {@code index}: LENGTH in the low 32 bits, TYPE in the high 32. */
    long recordAcquire(int index) {
        return (long) LONG.getAcquire(data, index);
    }

    void setRecordRelease(int index, long word) {
        LONG.setRelease(data, index, word);
    }

    boolean compareAndSetRecord(int index, long expected, long word) {
        return LONG.compareAndSet(data, index, expected, word);
    }

    void zeroRecordHeader(int index) {
        LONG.set(data, index, 0L);
    }

    void setLengthRelease(int index, int length) {
        INT.setRelease(data, index, length);
    }

    static long word(int length, int type) {
        return (long) type << 32 | (length & 0xFFFF_FFFFL);
    }

    static int length(long word) {
        return (int) word;
    }

    static int type(long word) {
        return (int) (word >>> 32);
    }

    /** Up to this many bytes, {@link #zero} copies from {@link #ZEROS}; beyond, one native fill is faster. */
    private static final int ZERO_BY_COPY = 16 << 10;
    private static final byte[] ZEROS = new byte[4096];

    /**
     * Zeroes ring positions {@code [from, to)}, which may wrap (MULTI consumers keep free space zeroed). A consumer
     * publishing after each message zeroes a few bytes at a time: those go through the ring's buffer, a copy the
     * JIT inlines, rather than a JNI call that would cost more than the message itself.
     */
    void zero(long from, long to) {
        long remaining = to - from;
        while (remaining > 0) {
            int index = (int) from & mask;
            int n = (int) Math.min(remaining, capacity - index);
            if (n <= ZERO_BY_COPY) {
                for (int done = 0; done < n; ) {
                    int chunk = Math.min(n - done, ZEROS.length);
                    data.put(index + done, ZEROS, 0, chunk);
                    done += chunk;
                }
            } else {
                mapping.fill(DATA_OFFSET + index, n, (byte) 0);
            }
            from += n;
            remaining -= n;
        }
    }

    // Futex signalling: a waiter announces itself in a waiters word, the other side wakes it only when that is set

    /**
     * Whether a full fence separates a side's progress store from its read of the waiters word
     * ({@code -Djmmap.channel.storeLoadFence=true}). Off by default: the wait loop bounds the delay of a missed
     * wake-up instead ({@link Waits}); the switch lets the channel benchmark measure what the fence would cost.
     */
    static final boolean STORE_LOAD_FENCE = Boolean.getBoolean("jmmap.channel.storeLoadFence");

    /**
     * Wakes whoever sleeps on {@code signal} if {@code waiters} says someone may. The waiters word is read plain:
     * every commit and publication asks, and an opaque read is a compiler barrier after which the JIT re-checks the
     * ring's buffers (16 instructions a message). Plain, the read may be ordered before the progress store that
     * precedes it, which is the reordering the processor may already make and {@link Waits} allows for: a waiter
     * whose announcement this read misses sees the progress when its first sleep ends, within 1 ms.
     */
    void wakeIfWaiting(int signal, int waiters) {
        if (STORE_LOAD_FENCE) {
            VarHandle.fullFence();
        }
        if (header.getInt(waiters) != 0) {
            setIntOpaque(waiters, 0);
            getAndAddInt(signal, 1);
            Futex.wake(mapping, signal, Integer.MAX_VALUE);
        }
    }

    boolean sleep(int signal, int expected, long nanos) {
        return Futex.await(mapping, signal, expected, Duration.ofNanos(nanos));
    }

    // Peers

    /** Whether the consumer recorded now is known to be dead. */
    boolean consumerDead(long identity) {
        return identity != 0 && ProcessIdentity.liveness(identity,
                getIntAcquire(CONSUMER_NAMESPACE_OFFSET)) == ProcessIdentity.Liveness.DEAD;
    }

    long consumerIdentity() {
        return getLongAcquire(CONSUMER_IDENTITY_OFFSET);
    }

    int consumerGeneration() {
        return getIntAcquire(CONSUMER_GENERATION_OFFSET);
    }

    /**
     * Whether the producer that wrote a record with {@code slot} and the low 8 bits {@code generation} is gone:
     * the slot is free, was taken by another producer since, or its process is dead.
     */
    boolean producerGone(int slot, int generation) {
        if (slot >= ChannelDescriptor.SLOT_COUNT) {
            return true;
        }
        int base = ChannelDescriptor.slotOffset(slot);
        long identity = getLongAcquire(base + SLOT_IDENTITY);
        if (identity == 0 || (getIntAcquire(base + SLOT_GENERATION) & 0xFF) != (generation & 0xFF)) {
            return true;
        }
        return slotProcessDead(slot, identity);
    }

    /** Whether the process recorded in {@code slot} (with {@code identity}) is known to be dead. */
    boolean slotProcessDead(int slot, long identity) {
        int base = ChannelDescriptor.slotOffset(slot);
        return ProcessIdentity.liveness(identity, getIntAcquire(base + SLOT_NAMESPACE))
                == ProcessIdentity.Liveness.DEAD;
    }
}
