package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;

/**
 * A view of {@code float64} elements ({@link DType#FLOAT64}, or the real and imaginary parts of
 * {@link DType#COMPLEX128} along a last axis of length 2). See {@link TypedArray} for indexing, layout, threads
 * and locks.
 */
public final class DoubleArray extends TypedArray {

    DoubleArray(Layout layout) {
        super(layout, Double.BYTES);
    }

    @Override
    DoubleArray view(Layout layout) {
        return new DoubleArray(layout);
    }

    @Override
    public DoubleArray slice(long from, long to) {
        return (DoubleArray) super.slice(from, to);
    }

    @Override
    public DoubleArray parallel(int threads) {
        return (DoubleArray) super.parallel(threads);
    }

    private double read(long offset) {
        return swap ? Double.longBitsToDouble(Long.reverseBytes(mapping.getLong(offset))) : mapping.getDouble(offset);
    }

    private void write(long offset, double value) {
        if (swap) {
            mapping.putLong(offset, Long.reverseBytes(Double.doubleToRawLongBits(value)));
        } else {
            mapping.putDouble(offset, value);
        }
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? base + (index << 3) : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public double get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        return swap ? Double.longBitsToDouble(Long.reverseBytes(e.getLong(index))) : e.getDouble(index);
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public double get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public double get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public double get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, double value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else if (swap) {
            e.putLong(index, Long.reverseBytes(Double.doubleToRawLongBits(value)));
        } else {
            e.putDouble(index, value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, double value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, double value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, double value) {
        write(offset(index), value);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, double[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Double.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Double.BYTES);
                    Bulk.view(mapping, at + done * Double.BYTES, chunk * Double.BYTES, order).asDoubleBuffer()
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
    public double[] toArray() {
        double[] copy = new double[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, double[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Double.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Double.BYTES);
                    Bulk.view(mapping, at + done * Double.BYTES, chunk * Double.BYTES, order).asDoubleBuffer()
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
    public void copyFrom(double[] source) {
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
        int length = Bulk.elements(destination.remaining(), Double.BYTES);
        checkRange(from, length);
        DoubleBuffer into = destination.asDoubleBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Double.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Double.BYTES);
                    into.put(Bulk.view(mapping, at + done * Double.BYTES, chunk * Double.BYTES, order)
                            .asDoubleBuffer());
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Double.BYTES);
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
        int length = Bulk.elements(source.remaining(), Double.BYTES);
        checkRange(from, length);
        DoubleBuffer values = source.asDoubleBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Double.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Double.BYTES);
                    DoubleBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done * Double.BYTES, chunk * Double.BYTES, order).asDoubleBuffer()
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
        source.position(source.position() + length * Double.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(double value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element (accumulated in several lanes and threads; numpy adds pairwise, so the last bits may differ; a NaN makes it NaN); 0 for an empty array.
     *
     * @throws java.io.UncheckedIOException ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException        if the mapping is closed
     */
    public double sum() {
        return Double.longBitsToDouble(reduce(Reducer.Op.SUM));
    }

    /**
     * The smallest element, NaN if any element is NaN (as numpy).
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public double min() {
        return Double.longBitsToDouble(reduce(Reducer.Op.MIN));
    }

    /**
     * The largest element, NaN if any element is NaN (as numpy).
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public double max() {
        return Double.longBitsToDouble(reduce(Reducer.Op.MAX));
    }

    /**
     * The sums along {@code axis} ({@code -1}: the last), in a new C-order array of the other axes in anonymous
     * memory (close it with {@code mapping().close()}, or leave it to the garbage collector), float64 as {@code np.sum(a, axis)}.
     *
     * @throws IllegalArgumentException if {@code axis} is not an axis of this array
     */
    public DoubleArray sum(int axis) {
        return (DoubleArray) reduce(axis, Reducer.Op.SUM);
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
    public DoubleArray min(int axis) {
        return (DoubleArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public DoubleArray max(int axis) {
        return (DoubleArray) reduce(axis, Reducer.Op.MAX);
    }
}
