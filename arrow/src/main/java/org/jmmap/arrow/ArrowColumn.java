package org.jmmap.arrow;

import java.util.Objects;
import java.util.Optional;
import org.jmmap.array.ByteArray;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.ShortArray;
import org.jmmap.array.TypedArray;

/**
 * One column of a record batch, in place in the file's mapping: its field, its length in rows, which rows are null
 * ({@link #validity()}), and in the subclass of its type the values ({@link ArrowType} lists which class reads
 * which type). Nothing is copied: every accessor reads the mapped buffers, and the typed arrays of
 * {@link #array()} are views of them (read-only: the file is mapped {@code READ_ONLY}). A column is valid while its
 * file is open; afterwards every access throws {@link IllegalStateException}. Immutable, for any number of threads.
 */
public abstract class ArrowColumn {

    final ArrowField field;
    final long length;
    /** Null when every row is valid. */
    final Bitmap validity;
    /** -1 until counted (a slice counts its own nulls when asked). */
    private volatile long nullCount;

    ArrowColumn(ArrowField field, long length, long nullCount, Bitmap validity) {
        this.field = field;
        this.length = length;
        this.nullCount = validity == null && nullCount < 0 ? 0 : nullCount;
        this.validity = validity;
    }

    /** The field this column holds. */
    public ArrowField field() {
        return field;
    }

    /** The field's type. */
    public ArrowType type() {
        return field.type();
    }

    /** The number of rows. */
    public long length() {
        return length;
    }

    /** The number of null rows. */
    public long nullCount() {
        long count = nullCount;
        if (count < 0) {
            count = length - validity.countSet();
            nullCount = count;
        }
        return count;
    }

    /** The validity bitmap (bit set: the row holds a value), or empty when no row is null. */
    public Optional<Bitmap> validity() {
        return Optional.ofNullable(validity);
    }

    /**
     * Whether row {@code row} is null.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}
     */
    public boolean isNull(long row) {
        checkRow(row);
        return validity != null && !validity.get(row);
    }

    /**
     * Whether row {@code row} holds a value.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}
     */
    public boolean isValid(long row) {
        return !isNull(row);
    }

    /**
     * Rows {@code [from, to)} as a column of their own, in the same memory (Arrow's array slice).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     */
    public abstract ArrowColumn slice(long from, long to);

    /**
     * The values as one typed array, in place: shape {@code (rows)} for a fixed-width column, {@code (rows, n)}
     * for a fixed-size list of {@code n} fixed-width values (more axes for nested fixed-size lists),
     * {@code (rows, ...)} of the tensor's logical shape for {@code arrow.fixed_shape_tensor}, {@code (rows, width)}
     * bytes for fixed-size binary and decimals. The values of null rows are whatever the file holds there (zeros,
     * as writers leave them): check {@link #validity()}.
     *
     * @throws UnsupportedOperationException for a column whose values are not fixed-width (strings, lists,
     *                                       structs, booleans, which are bits: see their classes)
     */
    public TypedArray array() {
        throw new UnsupportedOperationException("column '" + field.name() + "' is " + field.type()
                + ": its values are not one fixed-width array (" + getClass().getSimpleName() + " reads them)");
    }

    /**
     * {@link #array()} as the float64 view it is for {@code double} values (and tensors or lists of them).
     *
     * @throws ClassCastException naming the column's type if its values are not float64
     */
    public DoubleArray doubles() {
        return cast(DoubleArray.class, "doubles()", "float64");
    }

    /** {@link #array()} as the view of {@code float} and {@code halffloat} values (widened to float). */
    public FloatArray floats() {
        return cast(FloatArray.class, "floats()", "float32 and float16");
    }

    /**
     * {@link #array()} as the view of 64-bit values: int64, uint64, timestamps, durations, date64, time64.
     *
     * @throws ClassCastException naming the column's type otherwise
     */
    public LongArray longs() {
        return cast(LongArray.class, "longs()", "int64, uint64, timestamp, duration, date64 and time64");
    }

    /** {@link #array()} as the view of 32-bit integers: int32, uint32, date32, time32. */
    public IntArray ints() {
        return cast(IntArray.class, "ints()", "int32, uint32, date32 and time32");
    }

    /** {@link #array()} as the view of 16-bit integers: int16, uint16. */
    public ShortArray shorts() {
        return cast(ShortArray.class, "shorts()", "int16 and uint16");
    }

    /** {@link #array()} as the view of bytes: int8, uint8, fixed-size binary and decimals (one row a row). */
    public ByteArray bytes() {
        return cast(ByteArray.class, "bytes()", "int8, uint8, fixed-size binary and decimals");
    }

    private <T extends TypedArray> T cast(Class<T> view, String accessor, String reads) {
        TypedArray array = array();
        if (!view.isInstance(array)) {
            throw new ClassCastException(accessor + " reads " + reads + "; column '" + field.name() + "' holds "
                    + field.type() + " (" + array.getClass().getSimpleName() + ")");
        }
        return view.cast(array);
    }

    /** The numpy type string of the innermost fixed-width values, or null if there are none. */
    String leafDescr() {
        return null;
    }

    final void checkRow(long row) {
        if (row < 0 || row >= length) {
            throw new IndexOutOfBoundsException("row=" + row + " length=" + length + " (column '" + field.name()
                    + "')");
        }
    }

    final Bitmap slicedValidity(long from, long to) {
        Objects.checkFromToIndex(from, to, length);
        return validity == null ? null : validity.slice(from, to);
    }

    /** The null count of rows {@code [from, to)}: 0 if this column has none, else counted when asked. */
    final long slicedNullCount(long from, long to) {
        return validity == null || nullCount == 0 ? 0 : from == 0 && to == length ? nullCount : -1;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + field + ", " + length + " rows"
                + (validity == null ? "" : ", nulls") + "]";
    }
}
