package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.LongBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;

/**
 * A view of 64-bit integer elements: {@link DType#INT64}, {@link DType#UINT64} (the same bits: read them with
 * {@link Long#toUnsignedString(long)}, {@link Long#compareUnsigned}, {@link Long#divideUnsigned}), and the counts of
 * units of {@link DType#DATETIME64} and {@link DType#TIMEDELTA64} ({@link #unit()}). See {@link TypedArray} for
 * indexing, layout, threads and locks.
 */
public final class LongArray extends TypedArray {

    LongArray(Layout layout) {
        super(layout, Long.BYTES);
    }

    @Override
    LongArray view(Layout layout) {
        return new LongArray(layout);
    }

    @Override
    public LongArray slice(long from, long to) {
        return (LongArray) super.slice(from, to);
    }

    @Override
    public LongArray parallel(int threads) {
        return (LongArray) super.parallel(threads);
    }

    private long read(long offset) {
        long value = mapping.getLong(offset);
        return swap ? Long.reverseBytes(value) : value;
    }

    private void write(long offset, long value) {
        mapping.putLong(offset, swap ? Long.reverseBytes(value) : value);
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? base + (index << 3) : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public long get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        long v = e.getLong(index);
        return swap ? Long.reverseBytes(v) : v;
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public long get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public long get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public long get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, long value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else {
            e.putLong(index, swap ? Long.reverseBytes(value) : value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, long value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, long value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, long value) {
        write(offset(index), value);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, long[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Long.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Long.BYTES);
                    Bulk.view(mapping, at + done * Long.BYTES, chunk * Long.BYTES, order).asLongBuffer()
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
    public long[] toArray() {
        long[] copy = new long[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, long[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Long.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Long.BYTES);
                    Bulk.view(mapping, at + done * Long.BYTES, chunk * Long.BYTES, order).asLongBuffer()
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
    public void copyFrom(long[] source) {
        copyFrom(0, source, 0, source.length);
    }

    /**
     * Copies {@code destination.remaining() / 8} elements from flat index {@code from} into {@code destination}, in
     * the buffer's byte order, and advances its position past them.
     *
     * @throws IllegalArgumentException  if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException if the elements are out of bounds
     */
    public void copyTo(long from, ByteBuffer destination) {
        int length = Bulk.elements(destination.remaining(), Long.BYTES);
        checkRange(from, length);
        LongBuffer into = destination.asLongBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Long.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Long.BYTES);
                    into.put(Bulk.view(mapping, at + done * Long.BYTES, chunk * Long.BYTES, order)
                            .asLongBuffer());
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Long.BYTES);
    }

    /**
     * Copies {@code source.remaining() / 8} elements, in the buffer's byte order, to the elements from flat index
     * {@code from}, and advances the buffer's position past them.
     *
     * @throws IllegalArgumentException            if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException           if the elements are out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, ByteBuffer source) {
        int length = Bulk.elements(source.remaining(), Long.BYTES);
        checkRange(from, length);
        LongBuffer values = source.asLongBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Long.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Long.BYTES);
                    LongBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done * Long.BYTES, chunk * Long.BYTES, order).asLongBuffer()
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
        source.position(source.position() + length * Long.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(long value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element (wrapping around on overflow, as numpy's int64 sum; the uint64 sum's bits for {@link DType#UINT64}); 0 for an empty array.
     *
     * @throws java.io.UncheckedIOException ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException        if the mapping is closed
     */
    public long sum() {
        return reduce(Reducer.Op.SUM);
    }

    /**
     * The smallest element (compared as unsigned for {@link DType#UINT64}: read it with {@link Long#toUnsignedString(long)}).
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public long min() {
        return reduce(Reducer.Op.MIN);
    }

    /**
     * The largest element (compared as unsigned for {@link DType#UINT64}: read it with {@link Long#toUnsignedString(long)}).
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public long max() {
        return reduce(Reducer.Op.MAX);
    }

    /**
     * The sums along {@code axis} ({@code -1}: the last), in a new C-order array of the other axes in anonymous
     * memory (close it with {@code mapping().close()}, or leave it to the garbage collector), int64 (uint64 for {@link DType#UINT64}) as {@code np.sum(a, axis)}.
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
    public LongArray min(int axis) {
        return (LongArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public LongArray max(int axis) {
        return (LongArray) reduce(axis, Reducer.Op.MAX);
    }
}
