package org.jmmap.arrow;

import java.util.Objects;

/** A column of {@link ArrowType.Null}: every row is null, and there are no buffers. */
public final class NullColumn extends ArrowColumn {

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length) {
        return new NullColumn(field, length);
    }

    NullColumn(ArrowField field, long length) {
        super(field, length, length, null);
    }

    @Override
    public long nullCount() {
        return length;
    }

    @Override
    public boolean isNull(long row) {
        checkRow(row);
        return true;
    }

    @Override
    public NullColumn slice(long from, long to) {
        Objects.checkFromToIndex(from, to, length);
        return new NullColumn(field, to - from);
    }
}
