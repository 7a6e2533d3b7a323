package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;

/**
 * A view of 32-bit integer elements: {@link DType#INT32}, {@link DType#UINT32} ({@link #getUnsigned(long)},
 * {@link #setUnsigned(long, long)}), and the UCS-4 code points of {@link DType#UNICODE} strings along a last axis.
 * See {@link TypedArray} for indexing, layout, threads and locks.
 */
public final class IntArray extends TypedArray {

    IntArray(Layout layout) {
        super(layout, Integer.BYTES);
    }

    @Override
    IntArray view(Layout layout) {
        return new IntArray(layout);
    }

    @Override
    public IntArray slice(long from, long to) {
        return (IntArray) super.slice(from, to);
    }

    @Override
    public IntArray parallel(int threads) {
        return (IntArray) super.parallel(threads);
    }

    private int read(long offset) {
        int value = mapping.getInt(offset);
        return swap ? Integer.reverseBytes(value) : value;
    }

    private void write(long offset, int value) {
        mapping.putInt(offset, swap ? Integer.reverseBytes(value) : value);
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? base + (index << 2) : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public int get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        int v = e.getInt(index);
        return swap ? Integer.reverseBytes(v) : v;
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public int get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public int get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public int get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, int value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else {
            e.putInt(index, swap ? Integer.reverseBytes(value) : value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, int value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, int value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, int value) {
        write(offset(index), value);
    }

    /** The element at flat {@code index} as an unsigned 32-bit value ({@link DType#UINT32}): 0 to 2^32 - 1. */
    public long getUnsigned(long index) {
        return Integer.toUnsignedLong(get(index));
    }

    /**
     * Writes {@code value} as an unsigned 32-bit value at flat {@code index}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= value < 2^32}
     */
    public void setUnsigned(long index, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw new IllegalArgumentException("value=" + value + ": an unsigned 32-bit value is 0 to 4294967295");
        }
        set(index, (int) value);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, int[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Integer.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Integer.BYTES);
                    Bulk.view(mapping, at + done * Integer.BYTES, chunk * Integer.BYTES, order).asIntBuffer()
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
    public int[] toArray() {
        int[] copy = new int[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, int[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Integer.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Integer.BYTES);
                    Bulk.view(mapping, at + done * Integer.BYTES, chunk * Integer.BYTES, order).asIntBuffer()
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
    public void copyFrom(int[] source) {
        copyFrom(0, source, 0, source.length);
    }

    /**
     * Copies {@code destination.remaining() / 4} elements from flat index {@code from} into {@code destination}, in
     * the buffer's byte order, and advances its position past them.
     *
     * @throws IllegalArgumentException  if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException if the elements are out of bounds
     */
    public void copyTo(long from, ByteBuffer destination) {
        int length = Bulk.elements(destination.remaining(), Integer.BYTES);
        checkRange(from, length);
        IntBuffer into = destination.asIntBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Integer.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Integer.BYTES);
                    into.put(Bulk.view(mapping, at + done * Integer.BYTES, chunk * Integer.BYTES, order)
                            .asIntBuffer());
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Integer.BYTES);
    }

    /**
     * Copies {@code source.remaining() / 4} elements, in the buffer's byte order, to the elements from flat index
     * {@code from}, and advances the buffer's position past them.
     *
     * @throws IllegalArgumentException            if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException           if the elements are out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, ByteBuffer source) {
        int length = Bulk.elements(source.remaining(), Integer.BYTES);
        checkRange(from, length);
        IntBuffer values = source.asIntBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Integer.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Integer.BYTES);
                    IntBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done * Integer.BYTES, chunk * Integer.BYTES, order).asIntBuffer()
                            .put(part);
                    values.position(values.position() + chunk);
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    write(at + n * stride, values.get());
                }
            }
        });
        source.position(source.position() + length * Integer.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(int value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element as a long (int64, wrapping around as numpy's; uint64 bits for {@link DType#UINT32}); 0 for an empty array.
     *
     * @throws java.io.UncheckedIOException ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException        if the mapping is closed
     */
    public long sum() {
        return reduce(Reducer.Op.SUM);
    }

    /**
     * The smallest element, as a long: the unsigned value for {@link DType#UINT32}.
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public long min() {
        return reduce(Reducer.Op.MIN);
    }

    /**
     * The largest element, as a long: the unsigned value for {@link DType#UINT32}.
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public long max() {
        return reduce(Reducer.Op.MAX);
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
    public IntArray min(int axis) {
        return (IntArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public IntArray max(int axis) {
        return (IntArray) reduce(axis, Reducer.Op.MAX);
    }
}
