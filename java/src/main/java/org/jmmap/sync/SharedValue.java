package org.jmmap.sync;

import static org.jmmap.sync.SharedValueDescriptor.CAPACITY_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.HEADER_LENGTH;
import static org.jmmap.sync.SharedValueDescriptor.MAGIC;
import static org.jmmap.sync.SharedValueDescriptor.MAGIC_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.MAX_CAPACITY;
import static org.jmmap.sync.SharedValueDescriptor.SIGNAL_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.SLOT_DATA_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.SLOT_LENGTH_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.SLOT_SEQUENCE_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.VERSION_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.WAITERS_OFFSET;
import static org.jmmap.sync.SharedValueDescriptor.WRITER_OFFSET;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import org.jmmap.Mapping;

/**
 * A byte value published by one writer at a time and read by any number of readers, in threads of any processes
 * sharing a {@link Mapping}: a versioned, change-notifying, never-torn replacement for "write a length and the
 * bytes into shared memory and hope". Typical use: a service publishes its configuration as JSON, other processes
 * read it, and wait for the next change.
 *
 * <pre>{@code
 * // publisher                                          // any number of readers, in other processes
 * SharedValue config = SharedValue.create(m, 0, 4096);  SharedValue config = SharedValue.at(m, 0);
 * config.publish(json.getBytes(UTF_8));                  long seen = config.version();
 *                                                        byte[] json = config.read();
 *                                                        seen = config.awaitChange(seen, Duration.ofSeconds(30));
 * }</pre>
 *
 * <h2>Protocol</h2>
 * A seqlock over two slots (the layout is in {@link SharedValueDescriptor}). Version {@code v} is written into
 * slot {@code v % 2} while the other slot still holds {@code v - 1}; only once the slot is complete does the header's
 * version become {@code v}. Readers read the header's version, then the slot's sequence, the length and the bytes,
 * then the sequence again, and retry if it changed (the writer overtook them twice). So a read never returns a
 * mixture of two values, and readers never wait for the writer.
 *
 * <h2>Writers</h2>
 * Concurrent writers, in one process or several, are <em>serialized</em>: {@code publish} holds a
 * {@link SharedMutex} (the writer claim) for the duration of the copy, so a second writer waits for the first and
 * then publishes the next version. A writer killed in the middle of a publish leaves the header's version, and so
 * every reader, on the last complete value; its half-written slot is never read. Readers can tell with
 * {@link #writerDied()}; the next {@code publish} takes the claim over (within about 100 ms, as
 * {@link SharedMutex} does) and rewrites the slot.
 *
 * <h2>Memory ordering</h2>
 * <ul>
 *   <li>The writer's release-write of the slot's even sequence, and then of the header's version, pairs with the
 *       reader's acquire-read of the version and then of the slot's sequence: a reader that sees version {@code v}
 *       sees slot {@code v % 2} complete with {@code v}'s length and bytes.</li>
 *   <li>The writer's odd sequence write is followed by a store-store fence before it touches the length or the
 *       data; the reader's copy of the data is followed by a load-load fence before it reads the sequence again.
 *       So a reader that saw any byte of a newer write sees a changed sequence and retries.</li>
 *   <li>{@code publish} writes the version, then the futex word ({@code SIGNAL_OFFSET}), then reads the waiter
 *       count, all volatile; {@code awaitChange} increments the waiter count, then reads the futex word, then
 *       the version, all volatile: either the writer sees a waiter and wakes it, or the waiter sees the new version
 *       (and the kernel refuses to sleep on a futex word that changed in between). No wake-up is lost.</li>
 *   <li>Everything the writer wrote before {@code publish} (anywhere in shared memory) is visible to a reader
 *       that has read the version it published.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * The value's bytes are copied through HotSpot's {@code ByteBuffer} copies and its atomics (see
 * {@link SharedMutex} on why), so a file truncated underneath a value in use raises {@link InternalError} or ends
 * the process. A reader process that dies while sleeping in {@code awaitChange} leaves the waiter count one too
 * high, which only costs every later publish a needless {@code FUTEX_WAKE} call. The mapping must stay open and
 * must not be resized while a thread uses the value.
 */
public final class SharedValue {

    private final SharedWords words;
    private final SharedMutex writer;
    private final int capacity;
    private final int[] slots;

    private SharedValue(SharedWords words, int capacity) {
        this.words = words;
        this.writer = SharedMutex.at(words.mapping, words.offset + WRITER_OFFSET);
        this.capacity = capacity;
        this.slots = new int[] {SharedValueDescriptor.slotOffset(0, capacity),
                                SharedValueDescriptor.slotOffset(1, capacity)};
    }

    /**
     * Lays out an empty value (version 0) of at most {@code capacity} bytes at {@code offset}, overwriting what
     * was there: call it once, in the process that sets the memory up, before others call {@link #at}. The value
     * takes {@link SharedValueDescriptor#length(int) length(capacity)} bytes.
     *
     * @throws IllegalArgumentException  if {@code capacity} is negative or above
     *                                   {@link SharedValueDescriptor#MAX_CAPACITY}, the absolute address of
     *                                   {@code offset} is not 8-byte aligned, or the mapping is {@code READ_ONLY}
     * @throws IndexOutOfBoundsException if the value does not fit in the mapping at {@code offset}
     * @throws IllegalStateException     if the mapping is closed
     */
    public static SharedValue create(Mapping m, long offset, int capacity) {
        if (capacity < 0 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity=" + capacity + ": must be in [0, " + MAX_CAPACITY + "]");
        }
        SharedWords words = new SharedWords(m, offset, SharedValueDescriptor.length(capacity), Long.BYTES,
                "SharedValue");
        ByteBuffer area = words.buffer();
        words.setIntVolatile(MAGIC_OFFSET, 0);
        for (int i = HEADER_LENGTH; i < area.capacity(); i += Long.BYTES) { // slots: zero sequences and lengths
            area.putLong(i, 0);
        }
        for (int i = CAPACITY_OFFSET; i < HEADER_LENGTH; i += Integer.BYTES) {
            area.putInt(i, 0);
        }
        area.putInt(CAPACITY_OFFSET, capacity);
        words.setIntRelease(MAGIC_OFFSET, MAGIC); // last: at() that sees it sees the rest
        return new SharedValue(words, capacity);
    }

    /**
     * The value {@link #create} laid out at {@code offset} (possibly in another process).
     *
     * @throws IllegalArgumentException  if there is no value there (no {@link SharedValueDescriptor#MAGIC}, or a
     *                                   capacity that does not fit), the address is not 8-byte aligned, or the
     *                                   mapping is {@code READ_ONLY}
     * @throws IndexOutOfBoundsException if the header is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     */
    public static SharedValue at(Mapping m, long offset) {
        SharedWords header = new SharedWords(m, offset, HEADER_LENGTH, Long.BYTES, "SharedValue");
        int magic = header.getIntAcquire(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new IllegalArgumentException("offset=" + offset + ": no SharedValue there (magic=0x"
                    + Integer.toHexString(magic) + ", expected 0x" + Integer.toHexString(MAGIC) + ")");
        }
        int capacity = header.buffer().getInt(CAPACITY_OFFSET);
        long length = m.length();
        if (capacity < 0 || capacity > MAX_CAPACITY
                || offset > length - SharedValueDescriptor.length(capacity)) {
            throw new IllegalArgumentException("offset=" + offset + " capacity=" + capacity + " length=" + length
                    + ": the SharedValue there does not fit in the mapping");
        }
        return new SharedValue(new SharedWords(m, offset, SharedValueDescriptor.length(capacity), Long.BYTES,
                "SharedValue"), capacity);
    }

    /** The largest value in bytes this value can hold. */
    public int capacity() {
        return capacity;
    }

    /**
     * Publishes {@code value} as the next version, waiting first for any other writer to finish; wakes the threads
     * waiting in {@link #awaitChange}.
     *
     * @return the new version
     * @throws IllegalArgumentException if {@code value} is longer than {@link #capacity()}
     * @throws IllegalStateException    if the mapping is closed
     */
    public long publish(byte[] value) {
        Objects.requireNonNull(value, "value");
        return publish(ByteBuffer.wrap(value));
    }

    /**
     * Publishes {@code value}'s remaining bytes as the next version, as {@link #publish(byte[])}; the buffer's
     * position is unchanged.
     *
     * @return the new version
     * @throws IllegalArgumentException if {@code value.remaining()} is larger than {@link #capacity()}
     * @throws IllegalStateException    if the mapping is closed
     */
    public long publish(ByteBuffer value) {
        int length = value.remaining();
        if (length > capacity) {
            throw new IllegalArgumentException("length=" + length + ": more than the capacity=" + capacity);
        }
        writer.lock();
        try {
            ByteBuffer area = words.buffer();
            long version = SharedWords.getLongAcquire(area, VERSION_OFFSET) + 1;
            int slot = slots[(int) (version & 1)];
            SharedWords.setLongOpaque(area, slot + SLOT_SEQUENCE_OFFSET, version << 1 | 1);
            VarHandle.storeStoreFence();
            area.putInt(slot + SLOT_LENGTH_OFFSET, length);
            area.put(slot + SLOT_DATA_OFFSET, value, value.position(), length);
            SharedWords.setLongRelease(area, slot + SLOT_SEQUENCE_OFFSET, version << 1);
            SharedWords.setLongRelease(area, VERSION_OFFSET, version);
            SharedWords.setIntVolatile(area, SIGNAL_OFFSET, (int) version);
            if (SharedWords.getIntVolatile(area, WAITERS_OFFSET) > 0) {
                Futex.wakeChecked(words.mapping, words.address(SIGNAL_OFFSET), Integer.MAX_VALUE,
                        words.offset + SIGNAL_OFFSET);
            }
            return version;
        } finally {
            writer.unlock();
        }
    }

    /**
     * A copy of the value last published completely (empty before the first publish). Never a mixture of two
     * versions; never waits for a writer.
     *
     * @throws IllegalStateException if the mapping is closed
     */
    public byte[] read() {
        ByteBuffer area = words.buffer();
        while (true) {
            long version = SharedWords.getLongAcquire(area, VERSION_OFFSET);
            if (version == 0) {
                return new byte[0];
            }
            int slot = slots[(int) (version & 1)];
            long sequence = SharedWords.getLongAcquire(area, slot + SLOT_SEQUENCE_OFFSET);
            if (sequence != version << 1) {
                continue; // the writer is already rewriting this slot with version + 2
            }
            int length = area.getInt(slot + SLOT_LENGTH_OFFSET);
            if (length < 0 || length > capacity) {
                continue; // a length torn by a rewrite: the sequence check below would fail too
            }
            byte[] value = new byte[length];
            area.get(slot + SLOT_DATA_OFFSET, value, 0, length);
            VarHandle.loadLoadFence();
            if (SharedWords.getLongOpaque(area, slot + SLOT_SEQUENCE_OFFSET) == sequence) {
                return value;
            }
        }
    }

    /**
     * Copies the value last published completely into {@code destination} at its position, if it fits, and
     * advances the position by its length. If it does not fit, nothing is copied and the position stays: the
     * result, larger than {@code destination.remaining()}, tells how much room is needed.
     *
     * @return the value's length in bytes (0 before the first publish)
     * @throws java.nio.ReadOnlyBufferException if {@code destination} is read-only
     * @throws IllegalStateException            if the mapping is closed
     */
    public int read(ByteBuffer destination) {
        if (destination.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        ByteBuffer area = words.buffer();
        int position = destination.position();
        while (true) {
            long version = SharedWords.getLongAcquire(area, VERSION_OFFSET);
            if (version == 0) {
                return 0;
            }
            int slot = slots[(int) (version & 1)];
            long sequence = SharedWords.getLongAcquire(area, slot + SLOT_SEQUENCE_OFFSET);
            if (sequence != version << 1) {
                continue;
            }
            int length = area.getInt(slot + SLOT_LENGTH_OFFSET);
            if (length < 0 || length > capacity) {
                continue;
            }
            if (length <= destination.remaining()) {
                destination.put(position, area, slot + SLOT_DATA_OFFSET, length);
            }
            VarHandle.loadLoadFence();
            if (SharedWords.getLongOpaque(area, slot + SLOT_SEQUENCE_OFFSET) == sequence) {
                if (length <= destination.remaining()) {
                    destination.position(position + length);
                }
                return length;
            }
        }
    }

    /** The version published last: 0 before the first publish, then 1, 2, ... */
    public long version() {
        return words.getLongAcquire(VERSION_OFFSET);
    }

    /**
     * Sleeps until the version differs from {@code knownVersion}, at most {@code timeout}, without spinning: the
     * thread sleeps in the kernel ({@code FUTEX_WAIT}) until a {@code publish} wakes it.
     *
     * @param timeout zero or negative: do not sleep
     * @return the current version: different from {@code knownVersion} unless the time ran out
     * @throws IllegalStateException if the mapping is closed
     */
    public long awaitChange(long knownVersion, Duration timeout) {
        try {
            return awaitChange(knownVersion, timeout, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible); // an uninterruptible wait never throws it
        }
    }

    /**
     * Sleeps until the version differs from {@code knownVersion}, at most {@code timeout}, as
     * {@link #awaitChange(long, Duration)}, unless the current thread is interrupted first: then it throws within
     * {@value Futex#INTERRUPT_CHECK_MILLIS} ms of the interrupt, and the value's waiter count is as it was before
     * the call (later publishes wake the remaining waiters as before).
     *
     * @param timeout zero or negative: do not sleep
     * @return the current version: different from {@code knownVersion} unless the time ran out
     * @throws InterruptedException  if the thread was interrupted before or while waiting (the interrupt status is
     *                               cleared)
     * @throws IllegalStateException if the mapping is closed
     */
    public long awaitChangeInterruptibly(long knownVersion, Duration timeout) throws InterruptedException {
        return awaitChange(knownVersion, timeout, true);
    }

    private long awaitChange(long knownVersion, Duration timeout, boolean interruptible) throws InterruptedException {
        long nanos = Futex.nanos(Objects.requireNonNull(timeout, "timeout"));
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        while (true) {
            long version = version();
            if (version != knownVersion) {
                return version;
            }
            long left = nanos - (System.nanoTime() - start);
            if (left <= 0) {
                return version;
            }
            words.getAndAddInt(WAITERS_OFFSET, 1);
            try {
                int signal = words.getIntVolatile(SIGNAL_OFFSET);
                version = version();
                if (version != knownVersion) {
                    return version;
                }
                if (interruptible) {
                    Futex.waitInterruptiblyChecked(words.mapping, words.address(SIGNAL_OFFSET), signal, left,
                            words.offset + SIGNAL_OFFSET);
                } else {
                    Futex.waitChecked(words.mapping, words.address(SIGNAL_OFFSET), signal, left,
                            words.offset + SIGNAL_OFFSET);
                }
            } finally {
                words.getAndAddInt(WAITERS_OFFSET, -1);
            }
        }
    }

    /**
     * Whether a writer is in the middle of a publish, holding the writer claim, and its process no longer exists:
     * it was killed mid-publish. Readers keep reading the last complete value meanwhile; the next {@code publish}
     * takes the claim over. (False when it cannot be known, as for {@link SharedMutex}.)
     */
    public boolean writerDied() {
        return writer.holderDied();
    }

    @Override
    public String toString() {
        return "SharedValue[offset=" + words.offset + ", capacity=" + capacity + ", version=" + version() + "]";
    }
}
