package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.jmmap.internal.Elements;
import org.jmmap.internal.Half;

/**
 * A view of {@code float32} elements ({@link DType#FLOAT32}, or the real and imaginary parts of
 * {@link DType#COMPLEX64} along a last axis of length 2), or of {@link DType#FLOAT16} elements, read widened to
 * {@code float} (exactly) and written rounded to the nearest half-precision value (ties to even, as numpy). The
 * {@code ByteBuffer} copies carry {@code float}s in both cases. See {@link TypedArray} for indexing, layout,
 * threads and locks.
 */
public final class FloatArray extends TypedArray {

    /** Whether the elements are float16, widened to float when read and rounded when written. */
    private final boolean half;

    FloatArray(Layout layout) {
        super(layout, layout.dtype == DType.FLOAT16 ? 2 : Float.BYTES);
        this.half = layout.dtype == DType.FLOAT16;
    }

    @Override
    FloatArray view(Layout layout) {
        return new FloatArray(layout);
    }

    @Override
    public FloatArray slice(long from, long to) {
        return (FloatArray) super.slice(from, to);
    }

    @Override
    public FloatArray parallel(int threads) {
        return (FloatArray) super.parallel(threads);
    }

    private float read(long offset) {
        if (half) {
            short bits = mapping.getShort(offset);
            return Half.toFloat(swap ? Short.reverseBytes(bits) : bits);
        }
        return swap ? Float.intBitsToFloat(Integer.reverseBytes(mapping.getInt(offset))) : mapping.getFloat(offset);
    }

    private void write(long offset, float value) {
        if (half) {
            short bits = Half.fromFloat(value);
            mapping.putShort(offset, swap ? Short.reverseBytes(bits) : bits);
        } else if (swap) {
            mapping.putInt(offset, Integer.reverseBytes(Float.floatToRawIntBits(value)));
        } else {
            mapping.putFloat(offset, value);
        }
    }

    /** The mapping offset of flat {@code index}: a constant shift for a contiguous array (see {@code contiguous}). */
    private long at(long index) {
        return contiguous ? (half ? base + (index << 1) : base + (index << 2)) : strided(index);
    }

    /** The element at flat (C-order) {@code index}. */
    public float get(long index) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            return read(at(index));
        }
        if (half) {
            short bits = e.getShort(index);
            return Half.toFloat(swap ? Short.reverseBytes(bits) : bits);
        }
        return swap ? Float.intBitsToFloat(Integer.reverseBytes(e.getInt(index))) : e.getFloat(index);
    }

    /** The element at {@code (i, j)} of a 2-d array. */
    public float get(long i, long j) {
        return read(offset(i, j));
    }

    /** The element at {@code (i, j, k)} of a 3-d array. */
    public float get(long i, long j, long k) {
        return read(offset(i, j, k));
    }

    /** The element at {@code index}, one index per axis. */
    public float get(long... index) {
        return read(offset(index));
    }

    /** Writes the element at flat (C-order) {@code index}. */
    public void set(long index, float value) {
        checkIndex(index);
        Elements e = elements();
        if (e == null) {
            write(at(index), value);
        } else if (half) {
            short bits = Half.fromFloat(value);
            e.putShort(index, swap ? Short.reverseBytes(bits) : bits);
        } else if (swap) {
            e.putInt(index, Integer.reverseBytes(Float.floatToRawIntBits(value)));
        } else {
            e.putFloat(index, value);
        }
    }

    /** Writes the element at {@code (i, j)} of a 2-d array. */
    public void set(long i, long j, float value) {
        write(offset(i, j), value);
    }

    /** Writes the element at {@code (i, j, k)} of a 3-d array. */
    public void set(long i, long j, long k, float value) {
        write(offset(i, j, k), value);
    }

    /** Writes the element at {@code index}, one index per axis. */
    public void set(long[] index, float value) {
        write(offset(index), value);
    }

    /**
     * Copies {@code length} elements from flat index {@code from} into {@code destination[offset..]}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copyTo(long from, float[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int into = (int) (offset + index - from);
            if (stride == Float.BYTES && !half) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Float.BYTES);
                    Bulk.view(mapping, at + done * Float.BYTES, chunk * Float.BYTES, order).asFloatBuffer()
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
    public float[] toArray() {
        float[] copy = new float[Bulk.arrayLength(size)];
        copyTo(0, copy, 0, copy.length);
        return copy;
    }

    /**
     * Copies {@code source[offset, offset + length)} to the elements from flat index {@code from}.
     *
     * @throws IndexOutOfBoundsException           if either range is out of bounds
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void copyFrom(long from, float[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRange(from, length);
        forRuns(from, length, (index, at, count, stride) -> {
            int start = (int) (offset + index - from);
            if (stride == Float.BYTES && !half) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Float.BYTES);
                    Bulk.view(mapping, at + done * Float.BYTES, chunk * Float.BYTES, order).asFloatBuffer()
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
    public void copyFrom(float[] source) {
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
        int length = Bulk.elements(destination.remaining(), Float.BYTES);
        checkRange(from, length);
        FloatBuffer into = destination.asFloatBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Float.BYTES && !half) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Float.BYTES);
                    into.put(Bulk.view(mapping, at + done * Float.BYTES, chunk * Float.BYTES, order)
                            .asFloatBuffer());
                    done += chunk;
                }
            } else {
                for (int n = 0; n < count; n++) {
                    into.put(read(at + n * stride));
                }
            }
        });
        destination.position(destination.position() + length * Float.BYTES);
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
        int length = Bulk.elements(source.remaining(), Float.BYTES);
        checkRange(from, length);
        FloatBuffer values = source.asFloatBuffer();
        forRuns(from, length, (index, at, count, stride) -> {
            if (stride == Float.BYTES && !half) {
                for (long done = 0; done < count; ) {
                    int chunk = (int) Math.min(count - done, Bulk.CHUNK_BYTES / Float.BYTES);
                    FloatBuffer part = values.slice();
                    part.limit(chunk);
                    Bulk.view(mapping, at + done * Float.BYTES, chunk * Float.BYTES, order).asFloatBuffer()
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
        source.position(source.position() + length * Float.BYTES);
    }

    /**
     * Sets every element to {@code value}.
     *
     * @throws java.nio.ReadOnlyBufferException if the mapping is read-only
     */
    public void fill(float value) {
        Bulk.fill(this, at -> write(at, value));
    }

    // Reductions (native code, under the SIGBUS guard, on {@link #parallelism()} threads)

    /**
     * The sum of every element, accumulated in double (numpy accumulates float32 in float32, pairwise: its result may differ in the last bits of a float); a NaN makes it NaN; 0 for an empty array.
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
    public float min() {
        return (float) Double.longBitsToDouble(reduce(Reducer.Op.MIN));
    }

    /**
     * The largest element, NaN if any element is NaN (as numpy).
     *
     * @throws java.util.NoSuchElementException if the array is empty (numpy: no identity)
     * @throws java.io.UncheckedIOException     ({@code EFAULT}) if the file was truncated underneath the array
     */
    public float max() {
        return (float) Double.longBitsToDouble(reduce(Reducer.Op.MAX));
    }

    /**
     * The sums along {@code axis} ({@code -1}: the last), in a new C-order array of the other axes in anonymous
     * memory (close it with {@code mapping().close()}, or leave it to the garbage collector), of this array's dtype as {@code np.sum(a, axis)} (accumulated in double).
     *
     * @throws IllegalArgumentException if {@code axis} is not an axis of this array
     */
    public FloatArray sum(int axis) {
        return (FloatArray) reduce(axis, Reducer.Op.SUM);
    }

    /**
     * The means along {@code axis}, as {@link #sum(int)}, accumulated in double: numpy's
     * {@code np.mean(a, axis)}, of numpy's result dtype. NaN where the axis is empty.
     */
    public FloatArray mean(int axis) {
        return (FloatArray) reduce(axis, Reducer.Op.SUM_DOUBLE);
    }

    /**
     * The minimums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public FloatArray min(int axis) {
        return (FloatArray) reduce(axis, Reducer.Op.MIN);
    }

    /**
     * The maximums along {@code axis}, as {@link #sum(int)}, of this array's dtype.
     *
     * @throws java.util.NoSuchElementException if the axis is empty
     */
    public FloatArray max(int axis) {
        return (FloatArray) reduce(axis, Reducer.Op.MAX);
    }
}
