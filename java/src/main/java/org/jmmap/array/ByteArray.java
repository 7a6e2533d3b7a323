package org.jmmap.array;

import java.nio.ByteBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;

/**
 * A view of one-byte elements: {@link DType#INT8}, {@link DType#UINT8} ({@link #getUnsigned(long)},
 * {@link #setUnsigned(long, int)}), {@link DType#BOOL} ({@link #getBoolean(long)}, {@link #setBoolean(long,
 * boolean)}), and the bytes of {@link DType#BYTES} strings along a last axis. See {@link TypedArray} for indexing,
 * layout, threads and locks.
 */
public final class ByteArray extends TypedArray {

    ByteArray(Layout layout) {
        super(layout, Byte.BYTES);
    }

    @Override
    ByteArray view(Layout layout) {
        return new ByteArray(layout);
    }

    @Override
    public ByteArray slice(long from, long to) {
        return (ByteArray) super.slice(from, to);
    }

    @Override
    public ByteArray parallel(int threads) {
        return (ByteArray) super.parallel(threads);
    }

    private byte read(long offset) {
        return mapping.getByte(offset);
    }

    private void write(long offset, byte value) {
        mapping.putByte(offset, value);
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? base + index : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public byte get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        return e.getByte(index);
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public byte get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public byte get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public byte get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, byte value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else {
            e.putByte(index, value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, byte value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, byte value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, byte value) {
        write(offset(index), value);
    }

    /** The element at flat {@code index} as an unsigned 8-bit value ({@link DType#UINT8}): 0 to 255. */
    public int getUnsigned(long index) {
        return Byte.toUnsignedInt(get(index));
    }

    /**
     * Writes {@code value} as an unsigned 8-bit value at flat {@code index}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= value <= 255}
     */
    public void setUnsigned(long index, int value) {
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("value=" + value + ": an unsigned 8-bit value is 0 to 255");
        }
        set(index, (byte) value);
    }

    /** The element at flat {@code index} as a {@link DType#BOOL}: true unless it is 0, as numpy reads it. */
    public boolean getBoolean(long index) {
        return get(index) != 0;
    }

    /** Writes {@code value} as a {@link DType#BOOL} (1 or 0) at flat {@code index}. */
    public void setBoolean(long index, boolean value) {
        set(index, value ? (byte) 1 : (byte) 0);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, byte[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Byte.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Byte.BYTES);
                    Bulk.view(mapping, at + done, chunk, order)
                            .get(destination, into + (int) done, chunk);
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    destination[into + n] = read(at + n * stride);
                }
            }
        });
    }

    /** Copies every element, in flat C order, into a new array. */
    public byte[] toArray() {
        byte[] copy = new byte[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Byte.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Byte.BYTES);
                    Bulk.view(mapping, at + done, chunk, order)
                            .put(source, start + (int) done, chunk);
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    write(at + n * stride, source[start + n]);
                }
            }
        });
    }

    /** Copies all of {@code source} to the elements from flat index 0. */
    public void copyFrom(byte[] source) {
        copyFrom(0, source, 0, source.length);
    }

    /**
     * Copies {@code destination.remaining()} elements from flat index {@code from} into {@code destination} and
     * advances its position past them.
     *
     * @throws IndexOutOfBoundsException if the elements are out of bounds
     */
    public void copyTo(long from, ByteBuffer destination) {
        int length = Bulk.elements(destination.remaining(), Byte.BYTES);
        checkRange(from, length);
        ByteBuffer into = destination.duplicate();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Byte.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Byte.BYTES);
                    into.put(Bulk.view(mapping, at + done, chunk, order));
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Byte.BYTES);
    }

    /**
     * Copies {@code source.remaining()} elements to the elements from flat index {@code from}, and advances the
     * buffer's position past them.
     *
     * @throws IndexOutOfBoundsException           if the elements are out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, ByteBuffer source) {
        int length = Bulk.elements(source.remaining(), Byte.BYTES);
        checkRange(from, length);
        ByteBuffer values = source.duplicate();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Byte.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Byte.BYTES);
                    ByteBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done, chunk, order).put(part);
                    values.position(values.position() + chunk);
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    write(at + n * stride, values.get());
                }
            }
        });
        source.position(source.position() + length * Byte.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(byte value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element as a long (int64, as numpy's; uint64 for {@link DType#UINT8}; the number of true elements for {@link DType#BOOL}); 0 for an empty array.
     *
     * @throws java.io.UncheckedIOException ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException        if the mapping is closed
     */
    public long sum() {
        return reduce(Reducer.Op.SUM);
    }

    /**
     * The smallest element, as an int: the unsigned value for {@link DType#UINT8}, 0 or 1 for {@link DType#BOOL}.
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public int min() {
        return (int) reduce(Reducer.Op.MIN);
    }

    /**
     * The largest element, as an int: the unsigned value for {@link DType#UINT8}, 0 or 1 for {@link DType#BOOL}.
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public int max() {
        return (int) reduce(Reducer.Op.MAX);
    }

    /**
     * The sums along {@code axis} ({@code -1}: the last), in a new C-order array of the other axes in anonymous
     * memory (close it with {@code mapping().close()}, or leave it to the garbage collector), int64 (uint64 for unsigned elements) as {@code np.sum(a, axis)}.
     *
     * @throws IllegalArgumentException if {@code axis} is not an axis of this array
     */
    public LongArray sum(int axis) {
        return (LongArray) reduce(axis, Reducer.Op.SUM);
    }

    /**
     * The means along {@code axis}, as {@link #sum(int)}, accumulated in double: numpy's
     * {@code np.mean(a, axis)}, of numpy's result dtype. NaN where the axis is empty.
     */
    public DoubleArray mean(int axis) {
        return (DoubleArray) reduce(axis, Reducer.Op.SUM_DOUBLE);
    }

    /**
     * The minimums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public ByteArray min(int axis) {
        return (ByteArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public ByteArray max(int axis) {
        return (ByteArray) reduce(axis, Reducer.Op.MAX);
    }
}
