package org.jmmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.jmmap.internal.Backends;

/**
 * Element access to one {@link Region}, JDK 22+ form: one {@code MemorySegment} over the whole region, whatever its
 * length (no windows), indexed by {@code long} offsets that C2 bounds-checks once per loop. The JDK 17 form (direct
 * {@code ByteBuffer}s) is the class of the same name in the jar's root.
 *
 * <p>Lifetime: the segment belongs to an automatic arena whose cleanup drops the region's pin
 * ({@link Region.Release}) once the arena's scope is unreachable. Every access through the segment keeps that scope
 * reachable until it completes, and so does every {@code ByteBuffer} view made from it (the buffer holds its
 * segment), so the range stays mapped (to the tombstone after close) for as long as anything can reach it.
 *
 * <p>Offsets are not checked here beyond what the segment checks: {@link Mapping} checks them first unless
 * {@code jmmap.disable.bounds.checks} is set, and then the segment still refuses an offset outside itself.
 * A write to a read-only segment is refused by the segment and reported as {@link ReadOnlyBufferException}, as
 * the buffers of the JDK 17 form do.
 */
final class Memory {

    /**
     * Which element access path this build of the class implements; tests assert it per JDK. A method, not a
     * constant, so that callers do not compile the JDK 17 value into themselves.
     */
    static String kind() {
        return "MemorySegment";
    }

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** Atomic access: aligned layouts ({@link Mapping} checks the alignment first), coordinates (segment, offset). */
    private static final VarHandle ATOMIC_INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle ATOMIC_LONG = ValueLayout.JAVA_LONG.varHandle();

    /** The memory of a closed mapping: an empty segment, every access throws. */
    static final Memory CLOSED = new Memory();

    /**
     * The longest view {@code MemorySegment.asByteBuffer} makes ({@code ArraysSupport.SOFT_MAX_ARRAY_LENGTH}); a
     * longer one (up to {@code Integer.MAX_VALUE} bytes) is a direct buffer of the C layer, pinned like those of the
     * JDK 17 form.
     */
    private static final int LONGEST_SEGMENT_VIEW = Integer.MAX_VALUE - 8;

    private final MemorySegment segment;
    private final long address;
    private final Region.Release release;

    private Memory() {
        this.segment = MemorySegment.NULL;
        this.address = 0;
        this.release = null;
    }

    /**
     * A segment over {@code [address, address + length)} that pins the range through {@code release} until its
     * scope is unreachable.
     */
    Memory(long address, long length, boolean readOnly, Region.Release release) {
        this.address = address;
        this.release = release;
        Runnable unpin = release.pinned();
        MemorySegment whole;
        try {
            // The cleanup must not reach the segment or its arena, or they would never become unreachable.
            whole = MemorySegment.ofAddress(address).reinterpret(length, Arena.ofAuto(), ignored -> unpin.run());
        } catch (RuntimeException | Error e) {
            unpin.run(); // no segment: nothing holds the pin
            throw e;
        }
        this.segment = readOnly ? whole.asReadOnly() : whole;
    }

    /**
     * A big-endian view of {@code [offset, offset + size)}; it keeps the segment's scope, and so the range,
     * reachable (a view longer than {@link #LONGEST_SEGMENT_VIEW} pins the range itself). The range must lie
     * within the region.
     */
    ByteBuffer view(long offset, int size) {
        if (size <= LONGEST_SEGMENT_VIEW) {
            return segment.asSlice(offset, size).asByteBuffer().order(ByteOrder.BIG_ENDIAN);
        }
        ByteBuffer root = Backends.get().newDirectBuffer(address + offset, size);
        release.pin(root);
        return (segment.isReadOnly() ? root.asReadOnlyBuffer() : root).order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * What a refused write throws: JDK 22 refuses a write to a read-only segment with
     * {@code UnsupportedOperationException}, JDK 23+ with {@code IllegalArgumentException}.
     */
    private RuntimeException refused(RuntimeException cause) {
        if (!segment.isReadOnly()) {
            return cause;
        }
        ReadOnlyBufferException e = new ReadOnlyBufferException();
        e.initCause(cause);
        return e;
    }

    byte getByte(long offset) {
        return segment.get(BYTE, offset);
    }

    void putByte(long offset, byte value) {
        try {
            segment.set(BYTE, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    short getShort(long offset) {
        return segment.get(SHORT, offset);
    }

    void putShort(long offset, short value) {
        try {
            segment.set(SHORT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    int getInt(long offset) {
        return segment.get(INT, offset);
    }

    void putInt(long offset, int value) {
        try {
            segment.set(INT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    long getLong(long offset) {
        return segment.get(LONG, offset);
    }

    void putLong(long offset, long value) {
        try {
            segment.set(LONG, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    float getFloat(long offset) {
        return segment.get(FLOAT, offset);
    }

    void putFloat(long offset, float value) {
        try {
            segment.set(FLOAT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    double getDouble(long offset) {
        return segment.get(DOUBLE, offset);
    }

    void putDouble(long offset, double value) {
        try {
            segment.set(DOUBLE, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    // The atomic writes below are only reached on writable regions: Mapping checks that first.

    int getIntVolatile(long offset) {
        return (int) ATOMIC_INT.getVolatile(segment, offset);
    }

    void putIntVolatile(long offset, int value) {
        ATOMIC_INT.setVolatile(segment, offset, value);
    }

    int getIntAcquire(long offset) {
        return (int) ATOMIC_INT.getAcquire(segment, offset);
    }

    void putIntRelease(long offset, int value) {
        ATOMIC_INT.setRelease(segment, offset, value);
    }

    boolean compareAndSetInt(long offset, int expected, int value) {
        return ATOMIC_INT.compareAndSet(segment, offset, expected, value);
    }

    int getAndAddInt(long offset, int delta) {
        return (int) ATOMIC_INT.getAndAdd(segment, offset, delta);
    }

    int getAndSetInt(long offset, int value) {
        return (int) ATOMIC_INT.getAndSet(segment, offset, value);
    }

    long getLongVolatile(long offset) {
        return (long) ATOMIC_LONG.getVolatile(segment, offset);
    }

    void putLongVolatile(long offset, long value) {
        ATOMIC_LONG.setVolatile(segment, offset, value);
    }

    long getLongAcquire(long offset) {
        return (long) ATOMIC_LONG.getAcquire(segment, offset);
    }

    void putLongRelease(long offset, long value) {
        ATOMIC_LONG.setRelease(segment, offset, value);
    }

    boolean compareAndSetLong(long offset, long expected, long value) {
        return ATOMIC_LONG.compareAndSet(segment, offset, expected, value);
    }

    long getAndAddLong(long offset, long delta) {
        return (long) ATOMIC_LONG.getAndAdd(segment, offset, delta);
    }

    long getAndSetLong(long offset, long value) {
        return (long) ATOMIC_LONG.getAndSet(segment, offset, value);
    }
}
