package org.jmmap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Elements;

/**
 * Element access to one {@link Region} through direct {@code ByteBuffer}s the C layer creates: the plain, volatile,
 * acquire/release and atomic reads and writes of primitives, and {@code ByteBuffer} views. {@link Memory} extends
 * it: on JDK 17 to 21 as it is, on JDK 22+ ({@code META-INF/versions/22}) with the plain reads and writes going
 * through one {@code MemorySegment} instead, whose {@code long} offsets C2 can bounds-check once per loop where an
 * {@code int} buffer index narrowed from a {@code long} cannot (README, Benchmarks). The volatile, acquire/release
 * and atomic accessors stay on the buffers on every JDK: measured faster than the segment's var handles.
 *
 * <p>Buffers: a region of at most {@code Integer.MAX_VALUE} bytes has one buffer over all of it ({@link #single}),
 * which the JIT keeps in a register across a loop of accesses (measured 2.3x faster for a sequential scan than
 * looking the window up per access). A longer region has windows {@code [i << 30, (i + 1) << 30 + 8)} clipped to its
 * length: consecutive windows overlap by 8 bytes, so an element of up to 8 bytes at offset {@code o} always lies
 * entirely in window {@code o >>> 30}. Every root buffer (the windows, and views that do not fit in one window)
 * holds a pin on the region's range ({@link Region.Release}); views made by slicing a window keep that window
 * reachable, and so the range mapped.
 *
 * <p>Offsets are not checked here beyond what the buffers check: {@link Mapping} checks them first unless
 * {@code jmmap.disable.bounds.checks} is set, and then the buffers still refuse an index outside themselves.
 */
abstract class Windows {

    static final int WINDOW_SHIFT = 30;
    static final long WINDOW_MASK = (1L << WINDOW_SHIFT) - 1;
    static final int WINDOW_OVERLAP = Long.BYTES;

    private static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");
    private static final ByteOrder NATIVE_ORDER = ByteOrder.nativeOrder();

    /** The buffer over the whole region when it fits in one ({@code length <= Integer.MAX_VALUE}), else null. */
    private final ByteBuffer single;
    /** For longer regions, the overlapping 1 GiB windows; else null. Native byte order; read-only if the region is. */
    private final ByteBuffer[] windows;
    /** Address of the region's byte 0. */
    final long address;
    /** Length of the region in bytes; -1 for {@link #CLOSED}, so that every bounds check fails. */
    final long length;
    final boolean readOnly;
    private final Region.Release release;

    /** No memory: no window, every access throws (a closed mapping). */
    Windows() {
        this.single = null;
        this.windows = new ByteBuffer[0];
        this.address = 0;
        this.length = -1;
        this.readOnly = true;
        this.release = null;
    }

    /**
     * Buffers over {@code [address, address + length)}, each pinning the range through {@code release}. On failure
     * the buffers already created keep their pins (their Cleaners release them).
     */
    Windows(long address, long length, boolean readOnly, Region.Release release) {
        this.address = address;
        this.length = length;
        this.readOnly = readOnly;
        this.release = release;
        if (length <= Integer.MAX_VALUE) {
            this.single = window(0, (int) length);
            this.windows = null;
        } else {
            int count = (int) ((length + WINDOW_MASK) >>> WINDOW_SHIFT);
            ByteBuffer[] created = new ByteBuffer[count];
            for (int i = 0; i < count; i++) {
                long start = (long) i << WINDOW_SHIFT;
                created[i] = window(start, (int) Math.min(length - start, (1L << WINDOW_SHIFT) + WINDOW_OVERLAP));
            }
            this.single = null;
            this.windows = created;
        }
    }

    private ByteBuffer window(long offset, int size) {
        ByteBuffer root = newRoot(offset, size);
        return (readOnly ? root.asReadOnlyBuffer() : root).order(NATIVE_ORDER);
    }

    private ByteBuffer newRoot(long offset, int size) {
        ByteBuffer root = Backends.get().newDirectBuffer(address + offset, size);
        release.pin(root);
        return root;
    }

    /**
     * A big-endian view of {@code [offset, offset + size)}: a slice of its window when it fits in one, otherwise a
     * new root buffer, pinned like the windows. The range must lie within the region.
     */
    ByteBuffer view(long offset, int size) {
        ByteBuffer window;
        long index;
        if (single != null) {
            window = single;
            index = offset;
        } else {
            // An empty view at offset == length has no window of its own when the length is a multiple of the
            // window stride: it is the empty slice at the end of the last window.
            int w = (int) Math.min(offset >>> WINDOW_SHIFT, windows.length - 1);
            window = windows[w];
            index = offset - ((long) w << WINDOW_SHIFT);
        }
        ByteBuffer view;
        if (index + size <= window.capacity()) {
            view = window.slice((int) index, size);
        } else {
            ByteBuffer root = newRoot(offset, size);
            view = readOnly ? root.asReadOnlyBuffer() : root;
        }
        return view.order(ByteOrder.BIG_ENDIAN);
    }

    /**
     * The elements of {@code itemSize} bytes in {@code [offset, offset + length)}, a range within the region, over a
     * {@link #view} of it; null if it is longer than a buffer can be.
     */
    Elements elements(long offset, long length, int itemSize) {
        if (length > Integer.MAX_VALUE) {
            return null;
        }
        return new Elements(this, view(offset, (int) length), itemSize);
    }

    /** The buffer holding the element at {@code offset}: the single buffer, or its window. */
    private ByteBuffer buffer(long offset) {
        ByteBuffer buffer = single;
        if (buffer != null) {
            return buffer;
        }
        // Without bounds checks, clamped rather than cast: an offset such as Long.MIN_VALUE or 1L << 62 must not
        // wrap around to window 0 but make the array access throw.
        return windows[BOUNDS_CHECKS ? (int) (offset >>> WINDOW_SHIFT)
                : (int) Math.min(offset >>> WINDOW_SHIFT, Integer.MAX_VALUE)];
    }

    /** The element's index in {@link #buffer(long)}. */
    private int index(long offset) {
        if (single != null) {
            // Without bounds checks, an offset outside the int range must not wrap around to a valid index (say
            // Long.MIN_VALUE or 1L << 32 to 0): -1 makes the buffer throw instead.
            return BOUNDS_CHECKS || offset == (int) offset ? (int) offset : -1;
        }
        return (int) (offset & WINDOW_MASK);
    }

    byte getByte(long offset) {
        return buffer(offset).get(index(offset));
    }

    void putByte(long offset, byte value) {
        buffer(offset).put(index(offset), value);
    }

    short getShort(long offset) {
        return buffer(offset).getShort(index(offset));
    }

    void putShort(long offset, short value) {
        buffer(offset).putShort(index(offset), value);
    }

    int getInt(long offset) {
        return buffer(offset).getInt(index(offset));
    }

    void putInt(long offset, int value) {
        buffer(offset).putInt(index(offset), value);
    }

    long getLong(long offset) {
        return buffer(offset).getLong(index(offset));
    }

    void putLong(long offset, long value) {
        buffer(offset).putLong(index(offset), value);
    }

    float getFloat(long offset) {
        return buffer(offset).getFloat(index(offset));
    }

    void putFloat(long offset, float value) {
        buffer(offset).putFloat(index(offset), value);
    }

    double getDouble(long offset) {
        return buffer(offset).getDouble(index(offset));
    }

    void putDouble(long offset, double value) {
        buffer(offset).putDouble(index(offset), value);
    }

    int getIntVolatile(long offset) {
        return (int) Atomics.INT.getVolatile(buffer(offset), index(offset));
    }

    void putIntVolatile(long offset, int value) {
        Atomics.INT.setVolatile(buffer(offset), index(offset), value);
    }

    int getIntAcquire(long offset) {
        return (int) Atomics.INT.getAcquire(buffer(offset), index(offset));
    }

    void putIntRelease(long offset, int value) {
        Atomics.INT.setRelease(buffer(offset), index(offset), value);
    }

    boolean compareAndSetInt(long offset, int expected, int value) {
        return Atomics.INT.compareAndSet(buffer(offset), index(offset), expected, value);
    }

    int getAndAddInt(long offset, int delta) {
        return (int) Atomics.INT.getAndAdd(buffer(offset), index(offset), delta);
    }

    int getAndSetInt(long offset, int value) {
        return (int) Atomics.INT.getAndSet(buffer(offset), index(offset), value);
    }

    long getLongVolatile(long offset) {
        return (long) Atomics.LONG.getVolatile(buffer(offset), index(offset));
    }

    void putLongVolatile(long offset, long value) {
        Atomics.LONG.setVolatile(buffer(offset), index(offset), value);
    }

    long getLongAcquire(long offset) {
        return (long) Atomics.LONG.getAcquire(buffer(offset), index(offset));
    }

    void putLongRelease(long offset, long value) {
        Atomics.LONG.setRelease(buffer(offset), index(offset), value);
    }

    boolean compareAndSetLong(long offset, long expected, long value) {
        return Atomics.LONG.compareAndSet(buffer(offset), index(offset), expected, value);
    }

    long getAndAddLong(long offset, long delta) {
        return (long) Atomics.LONG.getAndAdd(buffer(offset), index(offset), delta);
    }

    long getAndSetLong(long offset, long value) {
        return (long) Atomics.LONG.getAndSet(buffer(offset), index(offset), value);
    }

    /** The atomics' VarHandles, created on the first atomic access rather than with the first mapping of a JVM. */
    private static final class Atomics {
        static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, NATIVE_ORDER);
        static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, NATIVE_ORDER);
    }
}
