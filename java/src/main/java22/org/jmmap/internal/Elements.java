package org.jmmap.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

/**
 * The elements of one typed array in the memory of a mapping, indexed by element, JDK 22+ form: a slice of the
 * mapping's {@code MemorySegment} of exactly the array's bytes, read in native byte order with {@code long}
 * offsets, which C2 range-checks once per loop. The JDK 17 form is the class of the same name in the jar's root;
 * its Javadoc describes the contract (the caller checks the index and compares {@link #owner()} before each access;
 * the slice still refuses an offset outside itself).
 *
 * <p>The slice shares the scope of the mapping's segment, which pins the range while reachable, so a thread that
 * misses a concurrent close reads zeros, never unmapped memory. A write to a read-only slice is reported as
 * {@link ReadOnlyBufferException}, as the JDK 17 form's buffers and the mapping do.
 */
public final class Elements {

    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble DOUBLE = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");

    private final Object owner;
    private final MemorySegment segment;

    /** The elements in {@code segment}, a slice of exactly the array's bytes in the memory {@code owner}. */
    public Elements(Object owner, MemorySegment segment) {
        this.owner = owner;
        this.segment = segment;
    }

    /** The elements in {@code buffer} (the JDK 17 form's constructor; element size is then the accessor's). */
    public Elements(Object owner, ByteBuffer buffer, int itemSize) {
        this(owner, MemorySegment.ofBuffer(buffer));
    }

    /** The longest run of elements this form views at once, in bytes: any. */
    public static long maxLength() {
        return Long.MAX_VALUE;
    }

    /** The memory these elements lie in: another object once the mapping is resized or closed. */
    public Object owner() {
        return owner;
    }

    /**
     * The byte offset of element {@code index} of {@code 1 << shift} bytes. Without bounds checks, an index whose
     * offset overflows must not wrap around to a valid offset (say 1L << 61 to 0): -1 makes the segment throw.
     */
    private static long at(long index, int shift) {
        long offset = index << shift;
        return BOUNDS_CHECKS || offset >> shift == index ? offset : -1;
    }

    private RuntimeException refused(RuntimeException cause) {
        if (!segment.isReadOnly()) {
            return cause;
        }
        ReadOnlyBufferException e = new ReadOnlyBufferException();
        e.initCause(cause);
        return e;
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public byte getByte(long index) {
        return segment.get(BYTE, index);
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putByte(long index, byte value) {
        try {
            segment.set(BYTE, index, value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public short getShort(long index) {
        return segment.get(SHORT, at(index, 1));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putShort(long index, short value) {
        try {
            segment.set(SHORT, at(index, 1), value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public int getInt(long index) {
        return segment.get(INT, at(index, 2));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putInt(long index, int value) {
        try {
            segment.set(INT, at(index, 2), value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public long getLong(long index) {
        return segment.get(LONG, at(index, 3));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putLong(long index, long value) {
        try {
            segment.set(LONG, at(index, 3), value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public float getFloat(long index) {
        return segment.get(FLOAT, at(index, 2));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putFloat(long index, float value) {
        try {
            segment.set(FLOAT, at(index, 2), value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public double getDouble(long index) {
        return segment.get(DOUBLE, at(index, 3));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putDouble(long index, double value) {
        try {
            segment.set(DOUBLE, at(index, 3), value);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw refused(e);
        }
    }
}
