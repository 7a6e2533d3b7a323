package org.jmmap.arrow;

import java.util.Objects;

/**
 * A column of a type that jmmap describes but does not read ({@link ArrowType.Unsupported}: unions, intervals,
 * run-end encoding, the view layouts). Its length is known, its values are not: the other columns of its batch
 * read as usual.
 */
public final class UnsupportedColumn extends ArrowColumn {

    private final long nulls;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount) {
        return new UnsupportedColumn(field, length, nullCount);
    }

    UnsupportedColumn(ArrowField field, long length, long nullCount) {
        super(field, length, nullCount, null);
        this.nulls = nullCount;
    }

    /** The null count the file records for the column. */
    @Override
    public long nullCount() {
        return nulls;
    }

    /**
     * Always throws: which rows are null is part of the values jmmap does not read.
     *
     * @throws UnsupportedOperationException naming the type
     */
    @Override
    public boolean isNull(long row) {
        throw new UnsupportedOperationException("column '" + field.name() + "' is " + field.type()
                + ", which jmmap does not read");
    }

    @Override
    public UnsupportedColumn slice(long from, long to) {
        Objects.checkFromToIndex(from, to, length);
        return new UnsupportedColumn(field, to - from, from == 0 && to == length ? nulls : -1);
    }
}
