package org.jmmap.arrow;

/** A column of {@link ArrowType.Bool}: one bit a row, in place. */
public final class BoolColumn extends ArrowColumn {

    private final Bitmap values;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, Bitmap values) {
        return new BoolColumn(field, length, nullCount, validity, values);
    }

    BoolColumn(ArrowField field, long length, long nullCount, Bitmap validity, Bitmap values) {
        super(field, length, nullCount, validity);
        this.values = values;
    }

    /** The values, one bit a row (a null row's bit is whatever the file holds). */
    public Bitmap values() {
        return values;
    }

    /**
     * The value of row {@code row} (false for a null row, whatever its bit).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}
     */
    public boolean get(long row) {
        return !isNull(row) && values.get(row);
    }

    @Override
    public BoolColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new BoolColumn(field, to - from, slicedNullCount(from, to), sliced, values.slice(from, to));
    }
}
