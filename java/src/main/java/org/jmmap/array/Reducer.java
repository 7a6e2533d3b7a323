package org.jmmap.array;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jmmap.Errors;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;

/**
 * The reductions of the typed arrays: sum, sum in double (for means), min and max over the whole array or along
 * one axis, in native code ({@link Backend#reduce}: one call per chunk of at most {@link #CHUNK_BYTES}, under the
 * SIGBUS guard), on as many threads as the array's {@link TypedArray#parallelism()}.
 *
 * <p>Accumulators are 8 bytes (raw bits in a {@code long} here): doubles for float elements and for
 * {@link Op#SUM_DOUBLE}, int64 otherwise (uint64 for min and max of unsigned elements). A whole-array reduction
 * walks the elements in memory order, whatever the array's index order, with {@link Backend#REDUCE_LANES}
 * independent accumulators per thread, combined at the end; an axis reduction reduces along the axis into one
 * accumulator per output element, a block of output elements (columns) at a time.
 */
final class Reducer {

    private static final Backend NATIVE = Backends.get();
    /** Data per native call at most: the unit of work that threads share. */
    static final long CHUNK_BYTES = 8L << 20;
    /** The longest byte span one native call may cover (its data is one ByteBuffer view). */
    private static final long MAX_SPAN = 1L << 30;
    /** Output elements reduced together along an axis: their accumulators stay in the CPU's caches. */
    static final int COLUMN_BLOCK = 8192;
    /** Below this many elements, runs along the innermost axis are reduced across rows instead (fewer calls). */
    private static final long SHORT_RUN = 64;

    private static final AtomicInteger THREADS = new AtomicInteger();
    /** The threads of parallel reductions: daemons, created as needed, kept a minute when idle. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "jmmap-reduce-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    /** What to reduce to. */
    enum Op {
        SUM(Backend.REDUCE_SUM, "sum"),
        SUM_DOUBLE(Backend.REDUCE_SUM_DOUBLE, "mean"),
        MIN(Backend.REDUCE_MIN, "min"),
        MAX(Backend.REDUCE_MAX, "max");

        final int code;
        final String name;

        Op(int code, String name) {
            this.code = code;
            this.name = name;
        }
    }

    private Reducer() {
    }

    /** The native element code of {@code dtype}. */
    static int element(DType dtype) {
        switch (dtype) {
            case BOOL:
                return Backend.ELEMENT_BOOL;
            case INT8:
                return Backend.ELEMENT_INT8;
            case UINT8:
                return Backend.ELEMENT_UINT8;
            case INT16:
                return Backend.ELEMENT_INT16;
            case UINT16:
                return Backend.ELEMENT_UINT16;
            case INT32:
                return Backend.ELEMENT_INT32;
            case UINT32:
                return Backend.ELEMENT_UINT32;
            case INT64:
            case DATETIME64:
            case TIMEDELTA64:
                return Backend.ELEMENT_INT64;
            case UINT64:
                return Backend.ELEMENT_UINT64;
            case FLOAT16:
                return Backend.ELEMENT_FLOAT16;
            case FLOAT32:
                return Backend.ELEMENT_FLOAT32;
            case FLOAT64:
                return Backend.ELEMENT_FLOAT64;
            default:
                throw new UnsupportedOperationException("no reduction of " + dtype + " elements");
        }
    }

    /** Whether the accumulators of {@code op} over {@code dtype} are doubles. */
    static boolean doubles(DType dtype, Op op) {
        return dtype.isFloatingPoint() || op == Op.SUM_DOUBLE;
    }

    /** The starting value of an accumulator: 0, or the largest (min) or smallest (max) value. */
    static long identity(DType dtype, Op op) {
        boolean doubles = doubles(dtype, op);
        switch (op) {
            case MIN:
                return doubles ? Double.doubleToRawLongBits(Double.POSITIVE_INFINITY)
                        : dtype.isUnsigned() ? -1L : Long.MAX_VALUE;
            case MAX:
                return doubles ? Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY)
                        : dtype.isUnsigned() ? 0 : Long.MIN_VALUE;
            default:
                return doubles ? Double.doubleToRawLongBits(0.0) : 0;
        }
    }

    /** Two accumulators combined, as the native code combines a value into one (NaN sticks in min and max). */
    static long combine(long a, long b, DType dtype, Op op) {
        if (doubles(dtype, op)) {
            double x = Double.longBitsToDouble(a);
            double y = Double.longBitsToDouble(b);
            double combined = op == Op.MIN ? Math.min(x, y) : op == Op.MAX ? Math.max(x, y) : x + y;
            return Double.doubleToRawLongBits(combined);
        }
        if (op == Op.SUM || op == Op.SUM_DOUBLE) {
            return a + b;
        }
        int order = dtype.isUnsigned() ? Long.compareUnsigned(a, b) : Long.compare(a, b);
        return op == Op.MIN ? (order <= 0 ? a : b) : (order >= 0 ? a : b);
    }

    /** A direct buffer of {@code count} accumulators, each set to {@code identity}. */
    private static ByteBuffer accumulators(int count, long identity) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(count * 8).order(ByteOrder.nativeOrder());
        fill(buffer, count, identity);
        return buffer;
    }

    private static void fill(ByteBuffer buffer, int count, long identity) {
        for (int j = 0; j < count; j++) {
            buffer.putLong(j * 8, identity);
        }
    }

    /** One native call over {@code count} rows and {@code width} columns from mapping offset {@code start}. */
    private static void call(TypedArray a, Op op, long start, long count, long stride, long width,
                             long elementStride, ByteBuffer accumulators) {
        if (count == 0 || width == 0) {
            return;
        }
        long span = (count - 1) * stride + (width - 1) * elementStride + a.itemSize;
        ByteBuffer data = a.mapping.asByteBuffer(start, (int) span);
        int result = NATIVE.reduce(data, element(a.dtype), a.swap, op.code, count, stride, width, elementStride,
                accumulators);
        if (result < 0) {
            throw new UncheckedIOException(Errors.errno("reduce", result, "offset=" + start + ", length=" + span,
                    "a page in the range is no longer backed by the file: was it truncated underneath the mapping?"));
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Whole array

    /** The axes of {@code a} in memory order (largest stride first), size-1 axes dropped, contiguous ones merged. */
    private static long[][] memoryOrder(TypedArray a) {
        List<long[]> dims = new ArrayList<>();
        for (int k = 0; k < a.shape.length; k++) {
            if (a.shape[k] != 1) {
                dims.add(new long[] {a.shape[k], a.strides[k]});
            }
        }
        dims.sort((x, y) -> Long.compare(y[1], x[1]));
        List<long[]> merged = new ArrayList<>();
        for (long[] dim : dims) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last[1] == dim[1] * dim[0]) {
                last[0] *= dim[0];
                last[1] = dim[1];
            } else {
                merged.add(dim.clone());
            }
        }
        if (merged.isEmpty()) {
            merged.add(new long[] {1, a.itemSize});
        }
        return merged.toArray(new long[0][]);
    }

    /** The mapping offset of combination {@code index} of {@code dims[0..count)} (an odometer, last fastest). */
    private static long offsetOf(long base, long[][] dims, int count, long index) {
        long at = base;
        for (int k = count - 1; k >= 0; k--) {
            at += index % dims[k][0] * dims[k][1];
            index /= dims[k][0];
        }
        return at;
    }

    private static long product(long[][] dims, int count) {
        long product = 1;
        for (int k = 0; k < count; k++) {
            product *= dims[k][0];
        }
        return product;
    }

    /**
     * The reduction of every element of {@code a} (raw accumulator bits).
     *
     * @throws NoSuchElementException for min and max of an empty array (numpy: "zero-size array to reduction
     *                                operation minimum which has no identity")
     */
    static long whole(TypedArray a, Op op) {
        long identity = identity(a.dtype, op);
        if (a.size == 0) {
            if (op == Op.MIN || op == Op.MAX) {
                throw new NoSuchElementException(op.name + "() of an empty array (shape "
                        + NpyHeader.shapeText(a.shape) + "): it has no identity");
            }
            return identity;
        }
        long[][] dims = memoryOrder(a);
        int last = dims.length - 1;
        long runLength = dims[last][0];
        long runStride = dims[last][1];
        if (runStride > MAX_SPAN / Backend.REDUCE_LANES
                || runLength < SHORT_RUN && last > 0 && runLength * runStride > MAX_SPAN / 2) {
            // Elements far apart (a column of a huge array): one accumulator, as many elements per call as fit.
            long perCall = Math.max(1, MAX_SPAN / runStride);
            long callsPerRun = (runLength + perCall - 1) / perCall;
            return run(a, Math.multiplyExact(product(dims, last), callsPerRun), 1, identity, op,
                    (unit, accumulators) -> {
                        long first = unit % callsPerRun * perCall;
                        call(a, op, offsetOf(a.base, dims, last, unit / callsPerRun) + first * runStride,
                                Math.min(perCall, runLength - first), runStride, 1, runStride, accumulators);
                    });
        }
        if (runLength >= SHORT_RUN || last == 0) {
            // Each run along the innermost memory axis, in chunks, with LANES accumulators per thread.
            long perChunk = Math.max(Backend.REDUCE_LANES, CHUNK_BYTES / Math.max(runStride, 1))
                    / Backend.REDUCE_LANES * Backend.REDUCE_LANES;
            long chunksPerRun = (runLength + perChunk - 1) / perChunk;
            long runs = product(dims, last);
            return run(a, Math.multiplyExact(runs, chunksPerRun), Backend.REDUCE_LANES, identity, op,
                    (unit, accumulators) -> {
                        long start = offsetOf(a.base, dims, last, unit / chunksPerRun);
                        long first = unit % chunksPerRun * perChunk;
                        long count = Math.min(perChunk, runLength - first);
                        long at = start + first * runStride;
                        long rows = count / Backend.REDUCE_LANES;
                        call(a, op, at, rows, runStride * Backend.REDUCE_LANES, Backend.REDUCE_LANES, runStride,
                                accumulators);
                        call(a, op, at + rows * Backend.REDUCE_LANES * runStride, 1, 0,
                                count - rows * Backend.REDUCE_LANES, runStride, accumulators);
                    });
        }
        // Short innermost runs (a field of a sub-array, a narrow slice): reduce them across the next axis, the run
        // being the columns.
        long rowsLength = dims[last - 1][0];
        long rowStride = dims[last - 1][1];
        long perChunk = Math.max(1, Math.min(CHUNK_BYTES, MAX_SPAN - runLength * runStride) / Math.max(rowStride, 1));
        long chunksPerRow = (rowsLength + perChunk - 1) / perChunk;
        long outer = product(dims, last - 1);
        return run(a, Math.multiplyExact(outer, chunksPerRow), (int) runLength, identity, op,
                (unit, accumulators) -> {
                    long start = offsetOf(a.base, dims, last - 1, unit / chunksPerRow);
                    long first = unit % chunksPerRow * perChunk;
                    long count = Math.min(perChunk, rowsLength - first);
                    call(a, op, start + first * rowStride, count, rowStride, runLength, runStride, accumulators);
                });
    }

    /** Work on one unit with a thread's accumulators. */
    @FunctionalInterface
    private interface Unit {
        void run(long unit, ByteBuffer accumulators);
    }

    /**
     * Runs {@code units} units on the array's threads, each with {@code width} accumulators of its own, and
     * returns all their accumulators combined.
     */
    private static long run(TypedArray a, long units, int width, long identity, Op op, Unit work) {
        long[] results = new long[Math.max(1, (int) Math.min(a.parallelism, units))];
        Arrays.fill(results, identity);
        AtomicLong next = new AtomicLong();
        parallel(results.length, thread -> {
            ByteBuffer accumulators = accumulators(width, identity);
            for (long unit = next.getAndIncrement(); unit < units; unit = next.getAndIncrement()) {
                work.run(unit, accumulators);
            }
            long combined = identity;
            for (int j = 0; j < width; j++) {
                combined = combine(combined, accumulators.getLong(j * 8), a.dtype, op);
            }
            results[thread] = combined;
        });
        long total = identity;
        for (long result : results) {
            total = combine(total, result, a.dtype, op);
        }
        return total;
    }

    /** A thread's share of the work. */
    @FunctionalInterface
    private interface Share {
        void run(int thread);
    }

    /** Runs {@code share} on {@code threads} threads (this one included) and waits for all of them. */
    private static void parallel(int threads, Share share) {
        if (threads == 1) {
            share.run(0);
            return;
        }
        List<Future<?>> others = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            int thread = t;
            others.add(POOL.submit(() -> share.run(thread)));
        }
        RuntimeException failure = null;
        try {
            share.run(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<?> other : others) {
            while (true) {
                try {
                    other.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the work must finish before the caller may unmap its memory
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof Error) {
                        throw (Error) cause;
                    }
                    if (failure == null) {
                        failure = cause instanceof RuntimeException ? (RuntimeException) cause
                                : new IllegalStateException(cause);
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // Along an axis

    /** Stores output element {@code index} from its accumulator's bits. */
    @FunctionalInterface
    interface Store {
        void store(long index, long bits);
    }

    /**
     * Reduces {@code a} along {@code axis} into the C-contiguous {@code outputShape} (the shape without that
     * axis), handing every output element's accumulator to {@code store}.
     */
    static void axis(TypedArray a, int axis, Op op, Store store) {
        long reduced = a.shape[axis];
        long reducedStride = a.strides[axis];
        int rank = a.shape.length;
        int outRank = rank - 1;
        int[] axes = new int[outRank];
        for (int k = 0, o = 0; k < rank; k++) {
            if (k != axis) {
                axes[o++] = k;
            }
        }
        long[] outStrides = new long[outRank];
        long outSize = 1;
        for (int o = outRank - 1; o >= 0; o--) {
            outStrides[o] = outSize;
            outSize *= a.shape[axes[o]];
        }
        if (outSize == 0) {
            return;
        }
        long identity = identity(a.dtype, op);
        if (reduced == 0 && (op == Op.MIN || op == Op.MAX)) {
            throw new NoSuchElementException(op.name + "(" + axis + ") along an empty axis (shape "
                    + NpyHeader.shapeText(a.shape) + "): it has no identity");
        }
        // The columns: the output axis whose elements lie closest together in memory.
        int column = -1;
        for (int o = 0; o < outRank; o++) {
            if (a.shape[axes[o]] > 1 && (column < 0 || a.strides[axes[o]] <= a.strides[axes[column]])) {
                column = o;
            }
        }
        long width = column < 0 ? 1 : a.shape[axes[column]];
        long columnStride = column < 0 ? a.itemSize : a.strides[axes[column]];
        long outColumnStride = column < 0 ? 1 : outStrides[column];
        // The other output axes, walked one combination at a time.
        int others = column < 0 ? outRank : outRank - 1;
        long[][] otherDims = new long[others][];
        long[] otherOut = new long[others];
        for (int o = 0, n = 0; o < outRank; o++) {
            if (o != column) {
                otherDims[n] = new long[] {a.shape[axes[o]], a.strides[axes[o]]};
                otherOut[n++] = outStrides[o];
            }
        }
        long combinations = product(otherDims, others);
        long block = Math.max(1, Math.min(COLUMN_BLOCK, MAX_SPAN / 2 / Math.max(columnStride, 1)));
        long blocks = (width + block - 1) / block;
        long tasks = Math.multiplyExact(combinations, blocks);
        // Too few tasks for the threads: split the reduced axis too, and combine the parts.
        int parts = tasks >= a.parallelism ? 1 : (int) Math.min(reduced, (a.parallelism + tasks - 1) / tasks);
        parts = Math.max(parts, 1);
        long[][] partial = parts == 1 ? null : new long[(int) tasks][];
        int[] partsLeft = parts == 1 ? null : new int[(int) tasks];
        if (parts > 1) {
            for (int t = 0; t < tasks; t++) {
                partsLeft[t] = parts;
            }
        }
        long units = tasks * parts;
        int finalParts = parts;
        AtomicLong next = new AtomicLong();
        parallel((int) Math.max(1, Math.min(a.parallelism, units)), thread -> {
            ByteBuffer accumulators = ByteBuffer.allocateDirect((int) block * 8).order(ByteOrder.nativeOrder());
            for (long unit = next.getAndIncrement(); unit < units; unit = next.getAndIncrement()) {
                long task = unit / finalParts;
                int part = (int) (unit % finalParts);
                long combination = task / blocks;
                long first = task % blocks * block;
                int columns = (int) Math.min(block, width - first);
                long start = offsetOf(a.base, otherDims, others, combination) + first * columnStride;
                long outStart = outIndex(otherDims, otherOut, others, combination) + first * outColumnStride;
                long from = reduced * part / finalParts;
                long to = reduced * (part + 1) / finalParts;
                fill(accumulators, columns, identity);
                long blockSpan = (columns - 1) * columnStride + a.itemSize;
                long rowsPerCall = Math.max(1, Math.min(Math.max(1, CHUNK_BYTES / Math.max(1, columns
                        * (long) a.itemSize)), (MAX_SPAN - blockSpan) / Math.max(reducedStride, 1)));
                for (long k = from; k < to; k += rowsPerCall) {
                    long rows = Math.min(rowsPerCall, to - k);
                    call(a, op, start + k * reducedStride, rows, reducedStride, columns, columnStride,
                            accumulators);
                }
                if (finalParts == 1) {
                    for (int j = 0; j < columns; j++) {
                        store.store(outStart + j * outColumnStride, accumulators.getLong(j * 8));
                    }
                    continue;
                }
                long[] mine = new long[columns];
                for (int j = 0; j < columns; j++) {
                    mine[j] = accumulators.getLong(j * 8);
                }
                long[] done = null;
                synchronized (partial) {
                    long[] merged = partial[(int) task];
                    if (merged == null) {
                        partial[(int) task] = mine;
                    } else {
                        for (int j = 0; j < columns; j++) {
                            merged[j] = combine(merged[j], mine[j], a.dtype, op);
                        }
                    }
                    if (--partsLeft[(int) task] == 0) {
                        done = partial[(int) task];
                    }
                }
                if (done != null) {
                    for (int j = 0; j < columns; j++) {
                        store.store(outStart + j * outColumnStride, done[j]);
                    }
                }
            }
        });
    }

    /** The flat output index of combination {@code index} of the other output axes. */
    private static long outIndex(long[][] dims, long[] outStrides, int count, long index) {
        long at = 0;
        for (int k = count - 1; k >= 0; k--) {
            at += index % dims[k][0] * outStrides[k];
            index /= dims[k][0];
        }
        return at;
    }
}
