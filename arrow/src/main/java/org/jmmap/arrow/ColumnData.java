package org.jmmap.arrow;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jmmap.array.DType;
import org.jmmap.array.NpyFile;
import org.jmmap.array.TypedArray;

/**
 * The values of one column of a record batch to write with {@link ArrowIpcWriter#write(ColumnData...)}: a typed
 * array (mapped: an {@link NpyFile}'s, a slice of one, anonymous memory), a Java array, or strings, with optional
 * nulls. What fits which field:
 * <ul>
 * <li>a fixed-width field (integers, floating point, dates, times, timestamps, durations): a 1-d typed array or a
 * Java array whose elements have the field's width and kind (floats for floating point; any integer, datetime64 or
 * timedelta64 elements for the others, bit for bit);</li>
 * <li>a fixed-size list or {@code arrow.fixed_shape_tensor} field of such values: an N-d typed array of
 * {@code (rows, ...)} whose other axes hold the list's items (for a tensor: exactly its shape), in C order whatever
 * the array's layout, or a flat Java array of {@code rows * listSize} values;</li>
 * <li>fixed-size binary and decimals: a {@code (rows, width)} array of bytes, or a flat {@code byte[]};</li>
 * <li>bool: a {@code boolean[]}, or a typed array of bytes (non-zero is true);</li>
 * <li>string and binary (and their large forms): {@link #strings(List)}, {@link #binary(List)};</li>
 * <li>null: {@link #nulls(long)}.</li>
 * </ul>
 * The values are read when the batch is written, not before: typed arrays are copied from their mapping to the
 * file's then, never through the heap (keep them open until then), and Java arrays are not copied here (do not
 * change them until then).
 */
public final class ColumnData {

    enum Kind { TYPED, ARRAY, BOOLEANS, BYTES, NULLS }

    final Kind kind;
    /** The TYPED array. */
    final TypedArray typed;
    /** The ARRAY (a primitive Java array) or BOOLEANS. */
    final Object array;
    /** The BYTES values (null for a null row), and whether they came as strings. */
    final byte[][] bytes;
    final boolean strings;
    /** The elements' type: of the typed array, or of the Java array. */
    final DType dtype;
    /** The number of elements (values for strings, rows for nulls). */
    final long elements;
    /** Which rows hold a value, or null for all. */
    final boolean[] validity;

    private ColumnData(Kind kind, TypedArray typed, Object array, byte[][] bytes, boolean strings, DType dtype,
                       long elements, boolean[] validity) {
        this.kind = kind;
        this.typed = typed;
        this.array = array;
        this.bytes = bytes;
        this.strings = strings;
        this.dtype = dtype;
        this.elements = elements;
        this.validity = validity;
    }

    /** The elements of {@code values}, a typed array of any shape and layout, for the fields listed above. */
    public static ColumnData of(TypedArray values) {
        Objects.requireNonNull(values, "values");
        return new ColumnData(Kind.TYPED, values, null, null, false, values.dtype(), values.size(), null);
    }

    /** The elements of the {@code .npy} file {@code npy}: {@link #of(TypedArray)} of {@link NpyFile#array()}. */
    public static ColumnData of(NpyFile npy) {
        return of(npy.array());
    }

    /** Float64 values. */
    public static ColumnData of(double[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.FLOAT64, values.length, null);
    }

    /** Float32 values. */
    public static ColumnData of(float[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.FLOAT32, values.length, null);
    }

    /** 64-bit values: int64, uint64, timestamps, durations, date64, time64. */
    public static ColumnData of(long[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.INT64, values.length, null);
    }

    /** 32-bit values: int32, uint32, date32, time32. */
    public static ColumnData of(int[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.INT32, values.length, null);
    }

    /** 16-bit values: int16, uint16. */
    public static ColumnData of(short[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.INT16, values.length, null);
    }

    /** 8-bit values: int8, uint8, or the bytes of fixed-size binary and decimals. */
    public static ColumnData of(byte[] values) {
        return new ColumnData(Kind.ARRAY, null, values, null, false, DType.INT8, values.length, null);
    }

    /** Booleans. */
    public static ColumnData of(boolean[] values) {
        return new ColumnData(Kind.BOOLEANS, null, values, null, false, DType.BOOL, values.length, null);
    }

    /** Strings, encoded as UTF-8; a null element is a null row. */
    public static ColumnData strings(List<String> values) {
        byte[][] encoded = new byte[values.size()][];
        boolean[] valid = new boolean[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            String value = values.get(i);
            encoded[i] = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
            valid[i] = value != null;
        }
        return new ColumnData(Kind.BYTES, null, null, encoded, true, DType.UINT8, encoded.length,
                allTrue(valid) ? null : valid);
    }

    /** Byte strings; a null element is a null row. */
    public static ColumnData binary(List<byte[]> values) {
        byte[][] copied = new byte[values.size()][];
        boolean[] valid = new boolean[copied.length];
        for (int i = 0; i < copied.length; i++) {
            byte[] value = values.get(i);
            copied[i] = value == null ? null : value.clone();
            valid[i] = value != null;
        }
        return new ColumnData(Kind.BYTES, null, null, copied, false, DType.UINT8, copied.length,
                allTrue(valid) ? null : valid);
    }

    /**
     * {@code rows} rows of a {@link ArrowType.Null} field.
     *
     * @throws IllegalArgumentException if {@code rows < 0}
     */
    public static ColumnData nulls(long rows) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows=" + rows + ": must be >= 0");
        }
        return new ColumnData(Kind.NULLS, null, null, null, false, null, rows, null);
    }

    private static boolean allTrue(boolean[] valid) {
        for (boolean v : valid) {
            if (!v) {
                return false;
            }
        }
        return true;
    }

    /**
     * These values with the rows where {@code valid} is false null (their values are written as they are, and
     * ignored by readers). One entry per row.
     *
     * @throws IllegalArgumentException for {@link #nulls(long)}, or strings with nulls of their own
     */
    public ColumnData withValidity(boolean[] valid) {
        Objects.requireNonNull(valid, "valid");
        if (kind == Kind.NULLS || (kind == Kind.BYTES && validity != null)) {
            throw new IllegalArgumentException("these values have their nulls already");
        }
        return new ColumnData(kind, typed, array, bytes, strings, dtype, elements, valid.clone());
    }

    @Override
    public String toString() {
        return "ColumnData[" + kind + (dtype == null ? "" : " " + dtype) + ", " + elements + " elements"
                + (typed == null ? "" : ", shape " + Arrays.toString(typed.shape()))
                + (validity == null ? "" : ", with nulls") + "]";
    }
}
