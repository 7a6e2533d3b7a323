package org.jmmap.arrow;

import org.jmmap.array.TypedArray;

/**
 * A column of lists of any length: {@link ArrowType.List}, {@link ArrowType.LargeList} and {@link ArrowType.Map}
 * (a list of key-value structs). Row {@code i} is rows {@code [offsets[i], offsets[i + 1])} of the child column
 * {@link #values()}.
 */
public final class ListColumn extends ArrowColumn {

    private final Offsets offsets;
    private final ArrowColumn values;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, Offsets offsets,
                          ArrowColumn values) {
        return new ListColumn(field, length, nullCount, validity, offsets, values);
    }

    ListColumn(ArrowField field, long length, long nullCount, Bitmap validity, Offsets offsets, ArrowColumn values) {
        super(field, length, nullCount, validity);
        this.offsets = offsets;
        this.values = values;
    }

    /** The child column: every list's items, one after the other (for a map, a struct of key and value). */
    public ArrowColumn values() {
        return values;
    }

    /** The {@code length() + 1} offsets into {@link #values()}: an {@code IntArray}, or a {@code LongArray}. */
    public TypedArray offsets() {
        return offsets.array();
    }

    /**
     * The first row of {@link #values()} in list {@code row}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public long start(long row) {
        checkRow(row);
        return offsets.start(row);
    }

    /**
     * One past the last row of {@link #values()} in list {@code row}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public long end(long row) {
        checkRow(row);
        return offsets.end(row);
    }

    /**
     * The items of list {@code row}: a slice of {@link #values()}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public ArrowColumn get(long row) {
        checkRow(row);
        return values.slice(offsets.start(row), offsets.end(row));
    }

    @Override
    public ListColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new ListColumn(field, to - from, slicedNullCount(from, to), sliced, offsets.slice(from, to), values);
    }
}
