package org.jmmap.sync;

/**
 * The memory layout of a {@link SharedValue}, as named offsets from its first byte, for programs in other
 * languages that read or write one. All fields are in the platform's native byte order; the whole area is
 * 8-byte aligned.
 *
 * <pre>
 * header (64 bytes)
 *   MAGIC_OFFSET      int   {@link #MAGIC}, written last by {@link SharedValue#create}
 *   CAPACITY_OFFSET   int   capacity in bytes of each slot's data
 *   VERSION_OFFSET    long  the version published last; 0 before the first publish
 *   SIGNAL_OFFSET     int   futex word: the low 32 bits of the version, written after it
 *   WAITERS_OFFSET    int   threads sleeping in awaitChange (publish wakes only when this is not 0)
 *   WRITER_OFFSET     32    a {@link SharedMutex}: the writer claim, held for the duration of a publish
 * two slots, each at slotOffset(i, capacity) (slot i holds the versions v with v % 2 == i)
 *   SLOT_SEQUENCE_OFFSET  long  2 * v once version v is complete in the slot; 2 * v + 1 while v is being written
 *   SLOT_LENGTH_OFFSET    int   the value's length in bytes
 *   SLOT_DATA_OFFSET      capacity bytes (rounded up to 8) of data
 * </pre>
 */
public final class SharedValueDescriptor {

    /** {@code "JMSV"} in ASCII, as an int. */
    public static final int MAGIC = 0x4A4D5356;
    /** int: {@link #MAGIC} once the value is laid out. */
    public static final int MAGIC_OFFSET = 0;
    /** int: the capacity in bytes of each slot's data. */
    public static final int CAPACITY_OFFSET = 4;
    /** long: the version published last; 0 before the first publish. */
    public static final int VERSION_OFFSET = 8;
    /** int: the futex word awaitChange sleeps on; the low 32 bits of the version, written after it. */
    public static final int SIGNAL_OFFSET = 16;
    /** int: threads sleeping in awaitChange; publish calls FUTEX_WAKE only when it is not 0. */
    public static final int WAITERS_OFFSET = 20;
    /** {@link SharedMutex#SIZE} bytes: the writer claim, held for the duration of a publish. */
    public static final int WRITER_OFFSET = 24;
    /** Bytes of the header; slot 0 follows it. */
    public static final int HEADER_LENGTH = 64;

    /** long, from a slot's start: {@code 2 * v} once version v is complete, {@code 2 * v + 1} while it is written. */
    public static final int SLOT_SEQUENCE_OFFSET = 0;
    /** int, from a slot's start: the value's length in bytes. */
    public static final int SLOT_LENGTH_OFFSET = 8;
    /** From a slot's start: the value's bytes. */
    public static final int SLOT_DATA_OFFSET = 16;

    /** The largest capacity: both slots and the header fit in {@code Integer.MAX_VALUE} bytes. */
    public static final int MAX_CAPACITY = (Integer.MAX_VALUE - HEADER_LENGTH) / 2 - SLOT_DATA_OFFSET - 8;

    static {
        if (WRITER_OFFSET + SharedMutex.SIZE > HEADER_LENGTH) {
            throw new AssertionError("the writer claim does not fit in the header");
        }
    }

    private SharedValueDescriptor() {
    }

    /** Bytes one slot occupies: its header and {@code capacity} rounded up to a multiple of 8. */
    public static int slotLength(int capacity) {
        return SLOT_DATA_OFFSET + ((capacity + 7) & ~7);
    }

    /** Offset of slot {@code index} (0 or 1) from the value's first byte. */
    public static int slotOffset(int index, int capacity) {
        return HEADER_LENGTH + index * slotLength(capacity);
    }

    /** Bytes a {@link SharedValue} of {@code capacity} occupies. */
    public static int length(int capacity) {
        return HEADER_LENGTH + 2 * slotLength(capacity);
    }
}
