package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;

/**
 * A view of 16-bit integer elements: {@link DType#INT16} and {@link DType#UINT16} ({@link #getUnsigned(long)},
 * {@link #setUnsigned(long, int)}). See {@link TypedArray} for indexing, layout, threads and locks.
 */
public final class ShortArray extends TypedArray {

    ShortArray(Layout layout) {
        super(layout, Short.BYTES);
    }

    @Override
    ShortArray view(Layout layout) {
        return new ShortArray(layout);
    }

    @Override
    public ShortArray slice(long from, long to) {
        return (ShortArray) super.slice(from, to);
    }

    @Override
    public ShortArray parallel(int threads) {
        return (ShortArray) super.parallel(threads);
    }

    private short read(long offset) {
        short value = mapping.getShort(offset);
        return swap ? Short.reverseBytes(value) : value;
    }

    private void write(long offset, short value) {
        mapping.putShort(offset, swap ? Short.reverseBytes(value) : value);
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? base + (index << 1) : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public short get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        short v = e.getShort(index);
        return swap ? Short.reverseBytes(v) : v;
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public short get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public short get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public short get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, short value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else {
            e.putShort(index, swap ? Short.reverseBytes(value) : value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, short value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, short value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, short value) {
        write(offset(index), value);
    }

    /** The element at flat {@code index} as an unsigned 16-bit value ({@link DType#UINT16}): 0 to 65535. */
    public int getUnsigned(long index) {
        return Short.toUnsignedInt(get(index));
    }

    /**
     * Writes {@code value} as an unsigned 16-bit value at flat {@code index}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= value <= 65535}
     */
    public void setUnsigned(long index, int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("value=" + value + ": an unsigned 16-bit value is 0 to 65535");
        }
        set(index, (short) value);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, short[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Short.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Short.BYTES);
                    Bulk.view(mapping, at + done * Short.BYTES, chunk * Short.BYTES, order).asShortBuffer()
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
    public short[] toArray() {
        short[] copy = new short[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, short[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Short.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Short.BYTES);
                    Bulk.view(mapping, at + done * Short.BYTES, chunk * Short.BYTES, order).asShortBuffer()
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
    public void copyFrom(short[] source) {
        copyFrom(0, source, 0, source.length);
    }

    /**
     * Copies {@code destination.remaining() / 2} elements from flat index {@code from} into {@code destination}, in
     * the buffer's byte order, and advances its position past them.
     *
     * @throws IllegalArgumentException  if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException if the elements are out of bounds
     */
    public void copyTo(long from, ByteBuffer destination) {
        int length = Bulk.elements(destination.remaining(), Short.BYTES);
        checkRange(from, length);
        ShortBuffer into = destination.asShortBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Short.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Short.BYTES);
                    into.put(Bulk.view(mapping, at + done * Short.BYTES, chunk * Short.BYTES, order)
                            .asShortBuffer());
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Short.BYTES);
    }

    /**
     * Copies {@code source.remaining() / 2} elements, in the buffer's byte order, to the elements from flat index
     * {@code from}, and advances the buffer's position past them.
     *
     * @throws IllegalArgumentException            if the remaining bytes are not a whole number of elements
     * @throws IndexOutOfBoundsException           if the elements are out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, ByteBuffer source) {
        int length = Bulk.elements(source.remaining(), Short.BYTES);
        checkRange(from, length);
        ShortBuffer values = source.asShortBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Short.BYTES) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Short.BYTES);
                    ShortBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done * Short.BYTES, chunk * Short.BYTES, order).asShortBuffer()
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
        source.position(source.position() + length * Short.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(short value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element as a long (int64, as numpy's; uint64 bits for {@link DType#UINT16}); 0 for an empty array.
     *
     * @throws java.io.UncheckedIOException ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException        if the mapping is closed
     */
    public long sum() {
        return reduce(Reducer.Op.SUM);
    }

    /**
     * The smallest element, as an int: the unsigned value for {@link DType#UINT16}.
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public int min() {
        return (int) reduce(Reducer.Op.MIN);
    }

    /**
     * The largest element, as an int: the unsigned value for {@link DType#UINT16}.
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
    public ShortArray min(int axis) {
        return (ShortArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public ShortArray max(int axis) {
        return (ShortArray) reduce(axis, Reducer.Op.MAX);
    }
}
