package org.jmmap.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * The elements of one typed array in the memory of a mapping, indexed by element, JDK 17 form: a buffer view of
 * exactly the array's bytes ({@code LongBuffer} for 8-byte elements ...), in native byte order. The jar carries a
 * JDK 22+ form of this class ({@code META-INF/versions/22}) over a {@code MemorySegment} slice instead.
 *
 * <p>The typed arrays of {@code org.jmmap.array} read and write contiguous elements through this class, which checks
 * nothing itself: the caller checks the element index against its size, and the buffer underneath still refuses an
 * index outside itself (and so outside the array), also with {@code jmmap.disable.bounds.checks}. Indexing a buffer
 * view by element keeps the index an {@code int} expression of an {@code int} loop variable, which C2 range-checks
 * once per loop (a byte offset shifted in {@code long} arithmetic defeats that).
 *
 * <p>An instance belongs to one memory of one mapping ({@link #owner()}): a mapping replaces its memory on
 * {@code resize} and {@code close}, and the caller compares owners before each access (a field comparison that C2
 * hoists out of a loop) so that an access after close throws rather than reading the tombstone. The buffer pins the
 * range as the mapping's own buffers do, so a thread that misses a concurrent close reads zeros, never unmapped
 * memory; a file truncated underneath makes an access throw {@link InternalError}, as a {@code MappedByteBuffer}'s.
 */
public final class Elements {

    private static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");

    private final Object owner;
    private final ByteBuffer bytes;
    private final ShortBuffer shorts;
    private final IntBuffer ints;
    private final LongBuffer longs;

    /**
     * The elements of {@code itemSize} bytes (1, 2, 4 or 8) in {@code buffer}, a view of exactly the array's bytes
     * in the memory {@code owner} of a mapping.
     */
    public Elements(Object owner, ByteBuffer buffer, int itemSize) {
        ByteBuffer view = buffer.duplicate().order(ByteOrder.nativeOrder());
        this.owner = owner;
        this.bytes = itemSize == Byte.BYTES ? view : null;
        this.shorts = itemSize == Short.BYTES ? view.asShortBuffer() : null;
        this.ints = itemSize == Integer.BYTES ? view.asIntBuffer() : null;
        this.longs = itemSize == Long.BYTES ? view.asLongBuffer() : null;
    }

    /**
     * The longest run of elements this form views at once, in bytes: the longest buffer. A method, not a constant,
     * so that callers do not compile this form's value into themselves.
     */
    public static long maxLength() {
        return Integer.MAX_VALUE;
    }

    /** The memory these elements lie in: another object once the mapping is resized or closed. */
    public Object owner() {
        return owner;
    }

    /**
     * The buffer index of element {@code index}. Without bounds checks, an index outside the int range must not wrap
     * around to a valid one (say 1L << 32 to 0): -1 makes the buffer throw instead.
     */
    private static int at(long index) {
        return BOUNDS_CHECKS || index == (int) index ? (int) index : -1;
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public byte getByte(long index) {
        return bytes.get(at(index));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putByte(long index, byte value) {
        bytes.put(at(index), value);
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public short getShort(long index) {
        return shorts.get(at(index));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putShort(long index, short value) {
        shorts.put(at(index), value);
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public int getInt(long index) {
        return ints.get(at(index));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putInt(long index, int value) {
        ints.put(at(index), value);
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public long getLong(long index) {
        return longs.get(at(index));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putLong(long index, long value) {
        longs.put(at(index), value);
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public float getFloat(long index) {
        return Float.intBitsToFloat(ints.get(at(index)));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putFloat(long index, float value) {
        ints.put(at(index), Float.floatToRawIntBits(value));
    }

    /** The element at {@code index}, in native byte order; unchecked (see the class). */
    public double getDouble(long index) {
        return Double.longBitsToDouble(longs.get(at(index)));
    }

    /** Writes the element at {@code index}, in native byte order; unchecked (see the class). */
    public void putDouble(long index, double value) {
        longs.put(at(index), Double.doubleToRawLongBits(value));
    }
}
