package org.jmmap.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import org.jmmap.MapMode;
import org.jmmap.Mapping;

/**
 * A small, aligned area of a {@link Mapping} that the classes of this package read, write and update atomically
 * in Java, through a {@code ByteBuffer} view and {@link VarHandle}s, without crossing JNI.
 *
 * <p>Why not {@link Mapping#compareAndSetInt}: on a file mapping it runs in C under the SIGBUS guard so that a file
 * truncated underneath throws instead of killing the process, which costs a JNI transition per operation (measured
 * in {@code SharedMutexBenchmark}: an uncontended lock+unlock on the guarded atomics takes about twice as long,
 * 80-110 ns against 25-40 ns, about what a {@code ReentrantLock} costs). The synchronisation words here take HotSpot's own atomics instead, with the same consequence as a
 * {@code pthread_mutex_t} in a mapped file for a C program: truncating the file underneath a mutex or value that is
 * in use ends the process on its next atomic access. Plain reads and bulk copies still raise
 * {@link InternalError} there, as for any {@code MappedByteBuffer}.
 *
 * <p>The view is taken again whenever the mapping's address changes ({@link Mapping#resize} always maps anew), so
 * a resize between two operations is harmless; a resize or close <em>during</em> an operation is not supported
 * (the operation may then act on the inert memory that replaced the old range).
 */
final class SharedWords {

    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());

    final Mapping mapping;
    final long offset;
    final int size;
    /** The view and the mapping address it was taken at; replaced as a whole, so a racy read sees a matching pair. */
    private View current;

    private static final class View {
        final long address;
        final ByteBuffer buffer;

        View(long address, ByteBuffer buffer) {
            this.address = address;
            this.buffer = buffer;
        }
    }

    /**
     * @param what      the name used in exception messages, such as {@code "SharedMutex"}
     * @param alignment the alignment the absolute address of {@code offset} needs
     * @throws IllegalArgumentException if the area is misaligned, out of bounds, or the mapping is read-only
     * @throws IllegalStateException    if the mapping is closed
     */
    SharedWords(Mapping mapping, long offset, int size, int alignment, String what) {
        Objects.requireNonNull(mapping, "mapping");
        long address = mapping.address(); // throws IllegalStateException when closed
        long length = mapping.length();
        if (offset < 0 || offset > length - size) {
            throw new IndexOutOfBoundsException(what + ": offset=" + offset + " size=" + size + " length=" + length);
        }
        if (((address + offset) & (alignment - 1)) != 0) {
            throw new IllegalArgumentException(what + ": offset=" + offset + " address=0x"
                    + Long.toHexString(address + offset) + ": needs " + alignment + "-byte alignment");
        }
        if (mapping.mode() == MapMode.READ_ONLY) {
            throw new IllegalArgumentException(what + ": the mapping is READ_ONLY; " + what + " writes to it");
        }
        this.mapping = mapping;
        this.offset = offset;
        this.size = size;
        this.current = new View(address, view(mapping, offset, size));
    }

    private static ByteBuffer view(Mapping mapping, long offset, int size) {
        return mapping.asByteBuffer(offset, size).order(ByteOrder.nativeOrder());
    }

    /** The view, taken again if the mapping moved; throws {@link IllegalStateException} if it is closed. */
    ByteBuffer buffer() {
        View v = current;
        long address = mapping.address();
        if (address != v.address) {
            v = new View(address, view(mapping, offset, size));
            current = v;
        }
        return v.buffer;
    }

    /** Absolute address of {@code index} (bytes from the area's start), for futex calls. */
    long address(int index) {
        return mapping.address() + offset + index;
    }

    int getIntVolatile(int index) {
        return (int) INT.getVolatile(buffer(), index);
    }

    int getIntAcquire(int index) {
        return (int) INT.getAcquire(buffer(), index);
    }

    void setIntVolatile(int index, int value) {
        INT.setVolatile(buffer(), index, value);
    }

    void setIntRelease(int index, int value) {
        INT.setRelease(buffer(), index, value);
    }

    boolean compareAndSetInt(int index, int expected, int value) {
        return INT.compareAndSet(buffer(), index, expected, value);
    }

    int getAndSetInt(int index, int value) {
        return (int) INT.getAndSet(buffer(), index, value);
    }

    int getAndAddInt(int index, int delta) {
        return (int) INT.getAndAdd(buffer(), index, delta);
    }

    long getLongVolatile(int index) {
        return (long) LONG.getVolatile(buffer(), index);
    }

    long getLongAcquire(int index) {
        return (long) LONG.getAcquire(buffer(), index);
    }

    long getLongOpaque(int index) {
        return (long) LONG.getOpaque(buffer(), index);
    }

    void setLongVolatile(int index, long value) {
        LONG.setVolatile(buffer(), index, value);
    }

    void setLongRelease(int index, long value) {
        LONG.setRelease(buffer(), index, value);
    }

    void setLongOpaque(int index, long value) {
        LONG.setOpaque(buffer(), index, value);
    }

    // The same operations on a buffer {@link #buffer()} returned, for operations that make several accesses and
    // check the mapping once.

    static int getIntVolatile(ByteBuffer b, int index) {
        return (int) INT.getVolatile(b, index);
    }

    static boolean compareAndSetInt(ByteBuffer b, int index, int expected, int value) {
        return INT.compareAndSet(b, index, expected, value);
    }

    static int getAndSetInt(ByteBuffer b, int index, int value) {
        return (int) INT.getAndSet(b, index, value);
    }

    static void setIntVolatile(ByteBuffer b, int index, int value) {
        INT.setVolatile(b, index, value);
    }

    static void setIntRelease(ByteBuffer b, int index, int value) {
        INT.setRelease(b, index, value);
    }

    static long getLongAcquire(ByteBuffer b, int index) {
        return (long) LONG.getAcquire(b, index);
    }

    static long getLongOpaque(ByteBuffer b, int index) {
        return (long) LONG.getOpaque(b, index);
    }

    static void setLongOpaque(ByteBuffer b, int index, long value) {
        LONG.setOpaque(b, index, value);
    }

    static void setLongRelease(ByteBuffer b, int index, long value) {
        LONG.setRelease(b, index, value);
    }
}
