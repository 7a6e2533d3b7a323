package org.jmmap.arrow;

import org.jmmap.array.TypedArray;

/**
 * A column of fixed-width numbers: integers, floating point numbers, dates, times, timestamps and durations. The
 * values are one typed array over the column's buffer ({@link #array()}), as {@link ArrowType} lists.
 */
public final class FixedWidthColumn extends ArrowColumn {

    private final TypedArray values;
    private final String descr;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, TypedArray values,
                          String descr) {
        return new FixedWidthColumn(field, length, nullCount, validity, values, descr);
    }

    FixedWidthColumn(ArrowField field, long length, long nullCount, Bitmap validity, TypedArray values, String descr) {
        super(field, length, nullCount, validity);
        this.values = values;
        this.descr = descr;
    }

    /** The values, one per row, in place. */
    @Override
    public TypedArray array() {
        return values;
    }

    @Override
    String leafDescr() {
        return descr;
    }

    @Override
    public FixedWidthColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new FixedWidthColumn(field, to - from, slicedNullCount(from, to), sliced, values.slice(from, to),
                descr);
    }
}
