package org.jmmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ReadOnlyBufferException;
import org.jmmap.internal.Elements;

/**
 * Element access to one {@link Region}, JDK 22+ form: the plain reads and writes of primitives go through one
 * {@code MemorySegment} over the whole region, whatever its length, indexed by {@code long} offsets that C2
 * bounds-checks once per loop (a {@code long}-indexed sequential scan measured 1.14x to 1.25x faster on JDK 25
 * than through the buffers). The volatile, acquire/release and atomic accessors and the views stay on the direct
 * {@code ByteBuffer}s of {@link Windows}, which measured faster for them (up to 1.2x) than the segment's var
 * handles. The JDK 17 form is the class of the same name in the jar's root.
 *
 * <p>Lifetime: besides the buffers' pins, the segment belongs to an automatic arena whose cleanup drops a pin of
 * its own ({@link Region.Release}) once the arena's scope is unreachable. Every access through the segment keeps
 * that scope reachable until it completes, so the range stays mapped (to the tombstone after close) while a thread
 * still uses the segment.
 *
 * <p>Offsets are not checked here beyond what the segment checks: {@link Mapping} checks them first unless
 * {@code jmmap.disable.bounds.checks} is set, and then the segment still refuses an offset outside itself.
 * A write to a read-only segment is refused by the segment and reported as {@link ReadOnlyBufferException}, as
 * the buffers of the JDK 17 form do.
 */
final class Memory extends Windows {

    /** The memory of a closed mapping: an empty segment and no window, every access throws. */
    static final Memory CLOSED = new Memory();

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

    private final MemorySegment segment;

    private Memory() {
        this.segment = MemorySegment.NULL;
    }

    /**
     * Buffers and a segment over {@code [address, address + length)}, each pinning the range through
     * {@code release}: the buffers until they are unreachable, the segment until its scope is.
     */
    @SuppressWarnings("restricted") // reinterpret: the reason the module asks for native access on JDK 22+
    Memory(long address, long length, boolean readOnly, Region.Release release) {
        super(address, length, readOnly, release);
        Runnable unpin = release.pinned();
        MemorySegment whole;
        try {
            // The cleanup must not reach the segment or its arena, or they would never become unreachable.
            whole = MemorySegment.ofAddress(address).reinterpret(length, Arena.ofAuto(), ignored -> unpin.run());
        } catch (RuntimeException | Error e) {
            unpin.run(); // no segment: nothing holds this pin
            throw e;
        }
        this.segment = readOnly ? whole.asReadOnly() : whole;
    }

    /**
     * What a refused write throws: JDK 22 refuses a write to a read-only segment with
     * {@code UnsupportedOperationException}, JDK 23+ with {@code IllegalArgumentException}.
     */
    private RuntimeException refused(RuntimeException cause) {
        if (!readOnly) {
            return cause;
        }
        ReadOnlyBufferException e = new ReadOnlyBufferException();
        e.initCause(cause);
        return e;
    }

    /** The elements of {@code itemSize} bytes in {@code [offset, offset + length)}: a slice of the segment. */
    @Override
    Elements elements(long offset, long length, int itemSize) {
        return new Elements(this, segment.asSlice(offset, length));
    }

    @Override
    byte getByte(long offset) {
        return segment.get(BYTE, offset);
    }

    @Override
    void putByte(long offset, byte value) {
        try {
            segment.set(BYTE, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    @Override
    short getShort(long offset) {
        return segment.get(SHORT, offset);
    }

    @Override
    void putShort(long offset, short value) {
        try {
            segment.set(SHORT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    @Override
    int getInt(long offset) {
        return segment.get(INT, offset);
    }

    @Override
    void putInt(long offset, int value) {
        try {
            segment.set(INT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    @Override
    long getLong(long offset) {
        return segment.get(LONG, offset);
    }

    @Override
    void putLong(long offset, long value) {
        try {
            segment.set(LONG, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    @Override
    float getFloat(long offset) {
        return segment.get(FLOAT, offset);
    }

    @Override
    void putFloat(long offset, float value) {
        try {
            segment.set(FLOAT, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    @Override
    double getDouble(long offset) {
        return segment.get(DOUBLE, offset);
    }

    @Override
    void putDouble(long offset, double value) {
        try {
            segment.set(DOUBLE, offset, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }
}
