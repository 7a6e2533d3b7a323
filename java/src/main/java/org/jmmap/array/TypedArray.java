package org.jmmap.array;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jmmap.Mapping;
import org.jmmap.internal.Elements;
import org.jmmap.internal.MappingAccess;
import org.jmmap.lock.LockMode;
import org.jmmap.lock.RangeLock;

/**
 * An N-dimensional view of elements in a {@link Mapping}: a {@code .npy} file's data ({@link NpyFile}), one field
 * of a structured array, a raw file ({@link MappedArrays#map}), anonymous memory ({@link MappedArrays#allocate}), or
 * a slice of any of these. The subclasses read and write one element type each: {@link DoubleArray},
 * {@link FloatArray}, {@link LongArray}, {@link IntArray}, {@link ShortArray}, {@link ByteArray}.
 *
 * <h2>Indexing</h2>
 * Every index is a {@code long}, so arrays of more than 2^31 elements and 4 GiB need nothing special. {@code get(i)}
 * and {@code set(i, v)} take the flat index in C order (the last axis varying fastest, numpy's {@code a.flat[i]}),
 * whatever the memory order of the array; {@code get(i, j)}, {@code get(i, j, k)} and {@code get(long...)} take one
 * index per axis. Bounds are checked and an {@link IndexOutOfBoundsException} names the index and the size (or the axis
 * and the shape) ({@code -Djmmap.disable.bounds.checks=true} removes the checks of the flat accessors, as it does
 * {@link Mapping}'s; the memory underneath still refuses an access outside the mapping, or outside a contiguous array).
 * The flat accessors of a contiguous array read and write through a view of the array's own bytes, so that the index
 * check is the only one on top of the memory's: a loop of {@code get(i)} runs as fast as a {@code MappedByteBuffer}
 * loop on JDK 22+ whether {@code i} is an {@code int} or a {@code long}, and on JDK 17 with an {@code int} index; JDK
 * 17's compiler neither unrolls a {@code long} loop nor drops its range checks (a {@code MappedByteBuffer} loop with a
 * {@code long} index loses as much), so there use an {@code int} index, or the bulk copies and the reductions, for
 * whole scans (README, Benchmarks). Elements are read and written in the array's byte order ({@link #order()}), swapped
 * where it is not this machine's.
 *
 * <h2>Layout</h2>
 * {@link #shape()} and {@link #strides()} (in bytes, as numpy's) describe where element {@code (i, j, ...)} lies:
 * at {@code offset() + i * strides[0] + j * strides[1] + ...} in the mapping. A view costs nothing: slices,
 * fields and {@link #parallel(int) parallel} views share the memory of the array they come from, and stay valid
 * as long as its mapping is open (afterwards every access throws {@link IllegalStateException}).
 *
 * <h2>Threads and processes</h2>
 * Views are immutable and may be used from any number of threads; element access is plain (no ordering between
 * threads or processes, as for numpy's memmap). {@link #lock(long, long, LockMode)} takes a byte-range lock
 * ({@link RangeLock}) over the elements, which other processes (Java, or Python with {@code fcntl.lockf}) respect.
 */
public abstract class TypedArray {

    static final boolean BOUNDS_CHECKS = !Boolean.getBoolean("jmmap.disable.bounds.checks");
    private static final MappingAccess MAPPINGS = MappingAccess.get();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    final Layout layout;
    final Mapping mapping;
    final DType dtype;
    final ByteOrder order;
    /** Whether elements are stored in the other byte order than this machine's. */
    final boolean swap;
    final int itemSize;
    /** The byte offset of element 0 in the mapping. */
    final long base;
    final long[] shape;
    final long[] strides;
    final long size;
    /** Bytes from one flat (C-order) index to the next when the layout makes that constant; -1 otherwise. */
    final long step;
    /**
     * Whether the elements lie in C order without gaps ({@code step == itemSize}): the typed views then compute an
     * element's offset with a constant shift, which C2 can range-check once per loop instead of once per element.
     */
    final boolean contiguous;
    final int parallelism;
    /**
     * Whether the flat accessors go through {@link Elements}: the array is contiguous and short enough for one view
     * in this build (any length on JDK 22+, up to 2 GiB on JDK 17); otherwise they go through the mapping.
     */
    private final boolean viewable;
    /**
     * The elements in the memory the mapping had at the last access through them, or null before it: a cache,
     * replaced when the mapping's memory changes (resize). Deliberately plain: {@code Elements} is immutable, and a
     * thread that sees an older one finds its owner outdated and looks again.
     */
    private Elements elements;

    TypedArray(Layout layout, int itemSize) {
        this.layout = layout;
        this.mapping = layout.mapping;
        this.dtype = layout.dtype;
        this.order = layout.order;
        this.swap = itemSize > 1 && layout.order != NATIVE;
        this.itemSize = itemSize;
        this.base = layout.base;
        this.shape = layout.shape;
        this.strides = layout.strides;
        this.size = NpyHeader.product(shape, "shape");
        this.step = linearStep(shape, strides, itemSize);
        this.contiguous = step == itemSize;
        this.parallelism = layout.parallelism;
        this.viewable = contiguous && size <= Elements.maxLength() / itemSize;
    }

    /** The constant byte distance between consecutive flat indexes, or -1 if there is none. */
    private static long linearStep(long[] shape, long[] strides, int itemSize) {
        long step = -1;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] == 0) {
                return itemSize;
            }
            if (shape[k] != 1 && step < 0) {
                step = strides[k];
            }
        }
        if (step < 0) {
            return itemSize; // zero or one element
        }
        long expected = step;
        for (int k = shape.length - 1; k >= 0; k--) {
            if (shape[k] == 1) {
                continue;
            }
            if (strides[k] != expected) {
                return -1;
            }
            expected *= shape[k];
        }
        return step;
    }

    /** A view of the same kind over {@code layout}. */
    abstract TypedArray view(Layout layout);

    // -----------------------------------------------------------------------------------------------------------
    // Properties

    /** The element type of this view ({@link DType#FLOAT32} for the components of a {@code complex64} file). */
    public DType dtype() {
        return dtype;
    }

    /** The byte order of the elements in memory. */
    public ByteOrder order() {
        return order;
    }

    /** The size of one element in bytes. */
    public int itemSize() {
        return itemSize;
    }

    /** The unit of {@link DType#DATETIME64} and {@link DType#TIMEDELTA64} elements ({@code "ns"}), else empty. */
    public Optional<String> unit() {
        return Optional.ofNullable(layout.unit);
    }

    /** The shape; {@code {}} for a 0-d array, which has one element. A copy. */
    public long[] shape() {
        return shape.clone();
    }

    /** The byte distance between consecutive indexes along each axis (numpy's {@code strides}). A copy. */
    public long[] strides() {
        return strides.clone();
    }

    /** The number of axes. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape. */
    public long size() {
        return size;
    }

    /** The byte offset of element 0 in the {@link #mapping()}. */
    public long offset() {
        return base;
    }

    /** The mapping holding the elements. Closing it ends every view of it. */
    public Mapping mapping() {
        return mapping;
    }

    /** Whether the elements lie in memory in C order without gaps (numpy's {@code C_CONTIGUOUS}). */
    public boolean isContiguous() {
        return step == itemSize;
    }

    /** How many threads the reductions of this view use (1 unless set with {@link #parallel(int)}). */
    public int parallelism() {
        return parallelism;
    }

    /**
     * A view of the same elements whose reductions run on {@code threads} threads (in native code, each on its
     * share of the data).
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     */
    public TypedArray parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads=" + threads + ": must be >= 1");
        }
        return view(layout.withParallelism(threads));
    }

    /**
     * The rows {@code [from, to)} along the first axis: a view of the same memory whose first dimension is
     * {@code to - from}.
     *
     * @throws IllegalArgumentException  for a 0-d array
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= shape()[0]}
     */
    public TypedArray slice(long from, long to) {
        if (shape.length == 0) {
            throw new IllegalArgumentException("a 0-d array has no axis to slice");
        }
        if (from < 0 || from > to || to > shape[0]) {
            throw new IndexOutOfBoundsException("from=" + from + " to=" + to + ": must be within [0, " + shape[0]
                    + "] along axis 0 of shape " + NpyHeader.shapeText(shape));
        }
        long[] sliced = shape.clone();
        sliced[0] = to - from;
        return view(layout.with(base + from * strides[0], sliced, strides));
    }

    // -----------------------------------------------------------------------------------------------------------
    // Element access

    /** {@code Objects.checkIndex(index, size)}, an intrinsic that C2 hoists out of a loop over index where it can. */
    final void checkIndex(long index) {
        if (BOUNDS_CHECKS) {
            Objects.checkIndex(index, size);
        }
    }

    /**
     * The elements of this array in the mapping's current memory, for the flat accessors; null if they go through
     * the mapping instead (see {@link #viewable}, or the mapping shrank under the array). Checking the owner costs
     * one comparison of fields that C2 reads once per loop; it is what makes an access after {@code close()} throw
     * rather than read the zeros that replaced the mapping.
     *
     * @throws IllegalStateException if the mapping is closed
     */
    final Elements elements() {
        Elements e = elements;
        if (e != null && e.owner() == MAPPINGS.memory(mapping)) {
            return e;
        }
        return viewable ? refreshElements() : null;
    }

    private Elements refreshElements() {
        Elements e = MAPPINGS.elements(mapping, base, size * itemSize, itemSize).orElse(null);
        elements = e;
        return e;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Offsets

    /** The mapping offset of the element at flat (C-order) {@code index}. */
    final long offset(long index) {
        if (BOUNDS_CHECKS) {
            Objects.checkIndex(index, size); // an intrinsic: C2 hoists it out of a loop over index
        }
        return strided(index);
    }

    /** The mapping offset of the element at flat {@code index} of a layout that is not contiguous; unchecked. */
    final long strided(long index) {
        return step >= 0 ? base + index * step : decomposed(index);
    }

    private long decomposed(long index) {
        long at = base;
        long rest = index;
        for (int k = shape.length - 1; k >= 0; k--) {
            at += rest % shape[k] * strides[k];
            rest /= shape[k];
        }
        return at;
    }

    final long offset(long i, long j) {
        if (shape.length != 2) {
            throw rank(2);
        }
        check(0, i);
        check(1, j);
        return base + i * strides[0] + j * strides[1];
    }

    final long offset(long i, long j, long k) {
        if (shape.length != 3) {
            throw rank(3);
        }
        check(0, i);
        check(1, j);
        check(2, k);
        return base + i * strides[0] + j * strides[1] + k * strides[2];
    }

    final long offset(long[] index) {
        Objects.requireNonNull(index, "index");
        if (index.length != shape.length) {
            throw rank(index.length);
        }
        long at = base;
        for (int axis = 0; axis < index.length; axis++) {
            check(axis, index[axis]);
            at += index[axis] * strides[axis];
        }
        return at;
    }

    private void check(int axis, long index) {
        if (index < 0 || index >= shape[axis]) {
            throw new IndexOutOfBoundsException("index=" + index + " along axis " + axis + " of shape "
                    + NpyHeader.shapeText(shape));
        }
    }

    private IllegalArgumentException rank(int given) {
        return new IllegalArgumentException(given + " indexes for an array of " + shape.length + " axes (shape "
                + NpyHeader.shapeText(shape) + "); get(long) takes a flat index");
    }

    /** Checks that {@code [from, from + length)} lies within the flat indexes. */
    final void checkRange(long from, long length) {
        if (from < 0 || length < 0 || from > size - length) {
            throw new IndexOutOfBoundsException("from=" + from + " length=" + length + " size=" + size + " (shape "
                    + NpyHeader.shapeText(shape) + ")");
        }
    }

    /**
     * Runs {@code run} over the flat range {@code [from, from + length)} in pieces of consecutive elements:
     * {@code run(index, offset, count)} for each piece, whose elements lie {@code stride} bytes apart.
     */
    final void forRuns(long from, long length, RunConsumer run) {
        if (length == 0) {
            return;
        }
        if (step >= 0) {
            run.accept(from, base + from * step, length, step);
            return;
        }
        // along the last axis, one run per row
        int last = shape.length - 1;
        long rowLength = shape[last];
        for (long index = from; index < from + length; ) {
            long inRow = index % rowLength;
            long count = Math.min(rowLength - inRow, from + length - index);
            run.accept(index, decomposed(index), count, strides[last]);
            index += count;
        }
    }

    /** A run of {@code count} elements from flat {@code index}, at {@code offset}, {@code stride} bytes apart. */
    @FunctionalInterface
    interface RunConsumer {
        void accept(long index, long offset, long count, long stride);
    }

    // -----------------------------------------------------------------------------------------------------------
    // Locks

    /**
     * Locks the bytes of the elements {@code [from, to)} (flat, C-order indexes) of the file, waiting as long as
     * it takes: an OFD byte-range lock ({@link RangeLock}) over exactly the bytes holding them when they lie in
     * one contiguous run (rows of a C-order array, as {@code slice(i, j).lock(mode)} locks), or the smallest
     * range holding them otherwise (a field of a structured array includes the other fields between its
     * elements). Readers of other rows never wait for it; a process killed while holding a lock releases it.
     * Python takes part with {@code fcntl.lockf(fd, fcntl.LOCK_SH or fcntl.LOCK_EX, length, start)} over the same
     * bytes ({@link #lockRange(long, long)} gives them).
     *
     * @throws UnsupportedOperationException for an array not backed by a file (anonymous memory)
     * @throws IndexOutOfBoundsException     unless {@code 0 <= from <= to <= size()}
     * @throws IllegalArgumentException      for an empty range
     * @throws IOException                   as {@link RangeLock#acquire(Path, long, long, LockMode)}
     */
    public RangeLock lock(long from, long to, LockMode mode) throws IOException {
        long[] range = lockRange(from, to);
        return RangeLock.acquire(lockFile(), range[0], range[1], mode);
    }

    /** {@link #lock(long, long, LockMode)}, giving up after {@code timeout} ({@code ETIMEDOUT}). */
    public RangeLock lock(long from, long to, LockMode mode, Duration timeout) throws IOException {
        long[] range = lockRange(from, to);
        return RangeLock.acquire(lockFile(), range[0], range[1], mode, timeout);
    }

    /** {@link #lock(long, long, LockMode)} without waiting: empty if a conflicting lock is held elsewhere. */
    public Optional<RangeLock> tryLock(long from, long to, LockMode mode) throws IOException {
        long[] range = lockRange(from, to);
        return RangeLock.tryAcquire(lockFile(), range[0], range[1], mode);
    }

    /** Locks the bytes of every element of this view ({@link #lock(long, long, LockMode)} over all of them). */
    public RangeLock lock(LockMode mode) throws IOException {
        return lock(0, size, mode);
    }

    /**
     * The file byte range {@code {start, length}} that {@link #lock(long, long, LockMode)} locks for the elements
     * {@code [from, to)}: what another process passes to {@code fcntl.lockf(fd, cmd, length, start)}.
     */
    public long[] lockRange(long from, long to) {
        if (from < 0 || from > to || to > size) {
            throw new IndexOutOfBoundsException("from=" + from + " to=" + to + ": must be within [0, " + size + "]");
        }
        if (from == to) {
            throw new IllegalArgumentException("from=" + from + " to=" + to + ": an empty range locks nothing");
        }
        long first;
        long end;
        if (step >= 0) {
            first = base + from * step;
            end = base + (to - 1) * step + itemSize;
        } else {
            // the whole view's span holds every element of the range
            first = base;
            end = base + itemSize;
            for (int k = 0; k < shape.length; k++) {
                end += (shape[k] - 1) * strides[k];
            }
        }
        return new long[] {layout.fileOffset + first, end - first};
    }

    private Path lockFile() {
        if (layout.file == null) {
            throw new UnsupportedOperationException("this array is not backed by a file (anonymous memory): "
                    + "there is nothing for another process to lock");
        }
        return layout.file;
    }

    // -----------------------------------------------------------------------------------------------------------
    // Reductions

    /** The raw accumulator bits of {@code op} over every element. */
    final long reduce(Reducer.Op op) {
        if (dtype == DType.DATETIME64 && (op == Reducer.Op.SUM || op == Reducer.Op.SUM_DOUBLE)) {
            throw new UnsupportedOperationException(op.name + " of datetime64 elements: numpy cannot add dates "
                    + "either (subtract a reference date into timedelta64 first)");
        }
        return Reducer.whole(this, op);
    }

    /**
     * The arithmetic mean of every element, accumulated in double (as numpy's {@code np.mean} does for integer
     * types, and more precisely than its float32 accumulation for float32). NaN for an empty array; a NaN element
     * makes it NaN. Runs in native code on {@link #parallelism()} threads.
     *
     * @throws UnsupportedOperationException for {@link DType#DATETIME64} elements
     * @throws java.io.UncheckedIOException  ({@code EFAULT}) if the file was truncated underneath the array
     * @throws IllegalStateException         if the mapping is closed
     */
    public double mean() {
        double sum = Double.longBitsToDouble(reduce(Reducer.Op.SUM_DOUBLE));
        return size == 0 ? Double.NaN : sum / size;
    }

    /** The dtype numpy gives the result of {@code op} along an axis. */
    private DType resultType(Reducer.Op op) {
        switch (op) {
            case SUM:
                if (dtype == DType.DATETIME64) {
                    throw new UnsupportedOperationException("sum of datetime64 elements: numpy cannot add dates "
                            + "either");
                }
                return dtype.isFloatingPoint() || dtype == DType.TIMEDELTA64 ? dtype
                        : dtype.isUnsigned() ? DType.UINT64 : DType.INT64;
            case SUM_DOUBLE:
                if (dtype == DType.DATETIME64) {
                    throw new UnsupportedOperationException("mean of datetime64 elements is not supported");
                }
                return dtype.isFloatingPoint() ? dtype : DType.FLOAT64;
            default:
                return dtype;
        }
    }

    private int checkAxis(int axis) {
        int normalized = axis < 0 ? axis + shape.length : axis;
        if (normalized < 0 || normalized >= shape.length) {
            throw new IllegalArgumentException("axis=" + axis + " for an array of " + shape.length + " axes (shape "
                    + NpyHeader.shapeText(shape) + ")");
        }
        return normalized;
    }

    private long[] shapeWithout(int axis) {
        long[] out = new long[shape.length - 1];
        for (int k = 0, o = 0; k < shape.length; k++) {
            if (k != axis) {
                out[o++] = shape[k];
            }
        }
        return out;
    }

    /** The descr of the result of {@code op}: its dtype in this machine's order, with this array's unit. */
    private Descr resultDescr(Reducer.Op op) {
        DType type = resultType(op);
        if (type == DType.DATETIME64 || type == DType.TIMEDELTA64) {
            String unit = layout.unit == null || layout.unit.isEmpty() ? "" : "[" + layout.unit + "]";
            return Descr.typeString((ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "<" : ">")
                    + type.kind() + "8" + unit);
        }
        return Descr.scalar(type, ByteOrder.nativeOrder());
    }

    /** Reduces along {@code axis} with {@code op} into {@code out}, a C-order array of the result's shape. */
    private void reduceInto(int axis, Reducer.Op op, TypedArray out) {
        long count = shape[axis];
        boolean doubles = Reducer.doubles(dtype, op);
        Reducer.Store store;
        if (out instanceof DoubleArray) {
            DoubleArray d = (DoubleArray) out;
            store = op == Reducer.Op.SUM_DOUBLE ? (i, bits) -> d.set(i, Double.longBitsToDouble(bits) / count)
                    : doubles ? (i, bits) -> d.set(i, Double.longBitsToDouble(bits)) : (i, bits) -> d.set(i, bits);
        } else if (out instanceof FloatArray) {
            FloatArray f = (FloatArray) out;
            store = op == Reducer.Op.SUM_DOUBLE ? (i, bits) -> f.set(i, (float) (Double.longBitsToDouble(bits) / count))
                    : (i, bits) -> f.set(i, (float) Double.longBitsToDouble(bits));
        } else if (out instanceof LongArray) {
            LongArray l = (LongArray) out;
            store = l::set;
        } else if (out instanceof IntArray) {
            IntArray n = (IntArray) out;
            store = (i, bits) -> n.set(i, (int) bits);
        } else if (out instanceof ShortArray) {
            ShortArray n = (ShortArray) out;
            store = (i, bits) -> n.set(i, (short) bits);
        } else {
            ByteArray n = (ByteArray) out;
            store = (i, bits) -> n.set(i, (byte) bits);
        }
        Reducer.axis(this, axis, op, store);
    }

    /** The reduction along {@code axis} in a new array in anonymous memory. */
    final TypedArray reduce(int axis, Reducer.Op op) {
        int normalized = checkAxis(axis);
        long[] outShape = shapeWithout(normalized);
        TypedArray out = MappedArrays.allocate(resultDescr(op), outShape);
        try {
            reduceInto(normalized, op, out);
        } catch (RuntimeException | Error e) {
            out.mapping.close();
            throw e;
        }
        return out.parallel(parallelism);
    }

    /** The reduction along {@code axis} into the new {@code .npy} file {@code file}, mapped READ_WRITE. */
    private NpyFile reduce(int axis, Reducer.Op op, Path file) throws IOException {
        int normalized = checkAxis(axis);
        Descr type = resultDescr(op);
        NpyFile npy = NpyFile.create(file, NpyHeader.of(type.text(), false, shapeWithout(normalized)));
        try {
            reduceInto(normalized, op, npy.array());
        } catch (RuntimeException | Error e) {
            npy.close();
            Files.deleteIfExists(file);
            throw e;
        }
        return npy;
    }

    /**
     * The sums along {@code axis} into the new {@code .npy} file {@code file} (created as
     * {@link NpyFile#create(Path, NpyHeader)} does, and removed if the reduction fails), returned open
     * {@code READ_WRITE}: close it. Result dtype as {@code np.sum}: int64 for signed integers and bool, uint64 for
     * unsigned ones, the float type for floats (accumulated in double).
     *
     * @throws IllegalArgumentException                 if {@code axis} is not an axis ({@code -1} is the last)
     * @throws java.nio.file.FileAlreadyExistsException if {@code file} exists
     * @throws UnsupportedOperationException            for {@link DType#DATETIME64} elements
     */
    public NpyFile sum(int axis, Path file) throws IOException {
        return reduce(axis, Reducer.Op.SUM, file);
    }

    /**
     * The means along {@code axis} into the new {@code .npy} file {@code file}, as {@link #sum(int, Path)}:
     * float64 for integer elements, the float type for floats (accumulated in double).
     */
    public NpyFile mean(int axis, Path file) throws IOException {
        return reduce(axis, Reducer.Op.SUM_DOUBLE, file);
    }

    /**
     * The minimums along {@code axis} into the new {@code .npy} file {@code file}, as {@link #sum(int, Path)}; of
     * this array's dtype, NaN where a NaN was met.
     *
     * @throws java.util.NoSuchElementException if the axis is empty (numpy: no identity)
     */
    public NpyFile min(int axis, Path file) throws IOException {
        return reduce(axis, Reducer.Op.MIN, file);
    }

    /** The maximums along {@code axis} into the new {@code .npy} file {@code file}, as {@link #min(int, Path)}. */
    public NpyFile max(int axis, Path file) throws IOException {
        return reduce(axis, Reducer.Op.MAX, file);
    }

    // -----------------------------------------------------------------------------------------------------------

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dtype + " " + (order == ByteOrder.LITTLE_ENDIAN ? "<" : ">")
                + ", shape " + NpyHeader.shapeText(shape) + ", strides " + Arrays.toString(strides) + ", offset "
                + base + (parallelism > 1 ? ", parallelism " + parallelism : "") + ", " + mapping + "]";
    }
}
