package org.jmmap.arrow;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.jmmap.MapMode;
import org.jmmap.array.DType;
import org.jmmap.array.NpyFile;
import org.jmmap.array.NpyHeader;
import org.jmmap.array.TypedArray;

/**
 * Conversions between {@code .npy} files and Arrow IPC files for numeric data, mapping to mapping: the elements
 * are copied from one file's mapping straight into the other's, never through the heap, so arrays larger than the
 * heap (or than memory) convert.
 *
 * <p>Types: numpy's integers, unsigned integers, float16/32/64 and bool are Arrow's; {@code datetime64} and
 * {@code timedelta64} in s, ms, us or ns are Arrow timestamps (without a time zone) and durations. A 1-d array is one
 * column; an N-d array is one {@code arrow.fixed_shape_tensor} column of its rows (axis 0), each of the shape of the
 * other axes. Back to {@code .npy}, the rows of every record batch are concatenated; Arrow's date32, time32 and
 * time64 become int32 and timedelta64.
 */
public final class ArrowNpy {

    /** The bytes a record batch of {@link #toArrow(Path, Path, String)} holds at most, about. */
    static final long BATCH_BYTES = 64L << 20;

    private ArrowNpy() {
    }

    /**
     * Writes the array of the {@code .npy} file {@code npy} to the Arrow IPC file {@code arrow} (replacing it) as
     * the column {@code column}, in record batches of about 64 MiB.
     *
     * @throws IllegalArgumentException if the array's dtype has no Arrow type here (complex, strings, structured,
     *                                  datetimes in other units), it is 0-d, or N-d of bools
     * @throws IOException              as {@link NpyFile#open(Path, MapMode)} and
     *                                  {@link ArrowIpcWriter#create(Path, ArrowSchema)}
     */
    public static void toArrow(Path npy, Path arrow, String column) throws IOException {
        toArrow(npy, arrow, column, 0);
    }

    /**
     * {@link #toArrow(Path, Path, String)} in record batches of {@code batchRows} rows (0: about 64 MiB each).
     *
     * @throws IllegalArgumentException also if {@code batchRows < 0}
     */
    public static void toArrow(Path npy, Path arrow, String column, long batchRows) throws IOException {
        Objects.requireNonNull(arrow, "arrow");
        Objects.requireNonNull(column, "column");
        if (batchRows < 0) {
            throw new IllegalArgumentException("batchRows=" + batchRows + ": must be >= 0");
        }
        try (NpyFile source = NpyFile.open(npy, MapMode.READ_ONLY)) {
            NpyHeader header = source.header();
            long[] shape = header.shape();
            String where = "file=" + npy + " (" + header.descr() + ", shape " + Arrays.toString(shape) + ")";
            if (shape.length == 0) {
                throw new IllegalArgumentException(where + ": a 0-d array has no rows to make a column of");
            }
            ArrowType type = arrowType(header, where);
            ArrowField field;
            if (shape.length == 1) {
                field = ArrowField.of(column, type);
            } else if (type instanceof ArrowType.Bool) {
                throw new IllegalArgumentException(where + ": N-d bools have no fixed-width Arrow type (Arrow's are "
                        + "bits)");
            } else {
                field = ArrowField.tensor(column, type, Arrays.copyOfRange(shape, 1, shape.length));
            }
            TypedArray array = source.array();
            long rowBytes = Math.max(1, header.itemSize() * (shape[0] == 0 ? 0 : array.size() / shape[0]));
            long rows = batchRows > 0 ? batchRows : Math.max(1, BATCH_BYTES / rowBytes);
            try (ArrowIpcWriter writer = ArrowIpcWriter.create(arrow, ArrowSchema.of(field))) {
                for (long from = 0; from < shape[0] || from == 0; from += rows) {
                    writer.write(ColumnData.of(array.slice(from, Math.min(shape[0], from + rows))));
                    if (shape[0] == 0) {
                        break;
                    }
                }
            }
        }
    }

    private static ArrowType arrowType(NpyHeader header, String where) {
        DType dtype = header.dtype();
        switch (dtype) {
            case BOOL:
                return ArrowType.bool();
            case INT8: case INT16: case INT32: case INT64:
                return new ArrowType.Int(dtype.itemSize() * 8, true);
            case UINT8: case UINT16: case UINT32: case UINT64:
                return new ArrowType.Int(dtype.itemSize() * 8, false);
            case FLOAT16: case FLOAT32: case FLOAT64:
                return new ArrowType.FloatingPoint(dtype.itemSize() * 8);
            case DATETIME64:
            case TIMEDELTA64: {
                String unit = header.unit().orElse("");
                for (ArrowType.TimeUnit u : ArrowType.TimeUnit.values()) {
                    if (u.symbol().equals(unit)) {
                        return dtype == DType.DATETIME64 ? ArrowType.timestamp(u, null) : ArrowType.duration(u);
                    }
                }
                throw new IllegalArgumentException(where + ": unit '" + unit + "' has no Arrow timestamp or duration "
                        + "(s, ms, us, ns)");
            }
            default:
                throw new IllegalArgumentException(where + ": dtype " + dtype + " has no Arrow type here (numbers, "
                        + "bools, datetime64 and timedelta64 do)");
        }
    }

    /**
     * Writes the column {@code column} of every record batch of the Arrow IPC file {@code arrow} to the new
     * {@code .npy} file {@code npy}: shape {@code (rows)} for a fixed-width or bool column, {@code (rows, ...)} for
     * fixed-size lists and tensors (their logical shape). If anything fails, {@code npy} is removed.
     *
     * @throws IllegalArgumentException                 if the column holds nulls (numpy has none: the message says
     *                                                  how many) or is not of fixed-width numbers
     * @throws java.util.NoSuchElementException         if there is no such column
     * @throws java.nio.file.FileAlreadyExistsException if {@code npy} exists
     * @throws ArrowFormatException                     as {@link ArrowIpcFile#open(Path)} and {@link ArrowIpcFile#batch}
     */
    public static void toNpy(Path arrow, String column, Path npy) throws IOException {
        Objects.requireNonNull(npy, "npy");
        try (ArrowIpcFile file = ArrowIpcFile.open(arrow)) {
            int index = file.schema().indexOf(column);
            ArrowField field = file.schema().field(index);
            String where = "file=" + arrow + " column '" + column + "' (" + field + ")";
            long rows = 0;
            long nulls = 0;
            String descr = null;
            long[] inner = null;
            for (RecordBatch batch : file.batches()) {
                ArrowColumn values = batch.column(index);
                nulls += values.nullCount() + (values instanceof FixedSizeListColumn
                        ? ((FixedSizeListColumn) values).values().nullCount() : 0);
                if (values instanceof BoolColumn) {
                    descr = "|b1";
                    inner = new long[0];
                } else if (values instanceof FixedWidthColumn || (values instanceof FixedSizeListColumn
                        && values.leafDescr() != null)) {
                    descr = values.leafDescr();
                    long[] shape = values.array().shape();
                    inner = Arrays.copyOfRange(shape, 1, shape.length);
                } else {
                    throw new IllegalArgumentException(where + ": not a column of fixed-width numbers");
                }
                rows += batch.length();
            }
            if (nulls > 0) {
                throw new IllegalArgumentException(where + ": " + nulls + " nulls, which a .npy file cannot hold");
            }
            if (descr == null) {
                throw new IllegalArgumentException(where + ": the file has no record batch to take the shape from");
            }
            long[] shape = new long[inner.length + 1];
            shape[0] = rows;
            System.arraycopy(inner, 0, shape, 1, inner.length);
            try (NpyFile out = NpyFile.create(npy, NpyHeader.of(descr, false, shape))) {
                long at = out.header().dataOffset();
                for (RecordBatch batch : file.batches()) {
                    ArrowColumn values = batch.column(index);
                    at = values instanceof BoolColumn ? copyBits((BoolColumn) values, out, at)
                            : copy(values.array(), out, at);
                }
            } catch (IOException | RuntimeException | Error e) {
                Files.deleteIfExists(npy);
                throw e;
            }
        }
    }

    /** Copies {@code values} into {@code out}'s mapping at {@code at}; returns the offset after them. */
    private static long copy(TypedArray values, NpyFile out, long at) {
        RawCopy copy = new RawCopy(values);
        long length = copy.byteLength();
        long chunkLimit = (1L << 30) / 8 * 8;
        for (long done = 0; done < length; ) {
            int chunk = (int) Math.min(chunkLimit, length - done);
            ByteBuffer view = out.mapping().asByteBuffer(at + done, chunk);
            copy.copy(done, view);
            done += chunk;
        }
        return at + length;
    }

    private static long copyBits(BoolColumn values, NpyFile out, long at) {
        Bitmap bits = values.values();
        for (long i = 0; i < bits.length(); i++) {
            out.mapping().putByte(at + i, bits.get(i) ? (byte) 1 : 0);
        }
        return at + bits.length();
    }
}
