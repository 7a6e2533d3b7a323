package org.jmmap.arrow;

import org.jmmap.array.ByteArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.ShortArray;
import org.jmmap.array.TypedArray;

/**
 * A dictionary-encoded column (pandas' categoricals, pyarrow's {@code dictionary_encode()}): each row holds an
 * index into {@link #dictionary()}, the file's dictionary batch for the field, whose values have the field's type.
 */
public final class DictionaryColumn extends ArrowColumn {

    private final TypedArray indices;
    private final boolean signed;
    private final ArrowColumn dictionary;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, TypedArray indices,
                          ArrowColumn dictionary) {
        return new DictionaryColumn(field, length, nullCount, validity, indices, dictionary);
    }

    DictionaryColumn(ArrowField field, long length, long nullCount, Bitmap validity, TypedArray indices,
                     ArrowColumn dictionary) {
        super(field, length, nullCount, validity);
        this.indices = indices;
        this.signed = field.dictionary().orElseThrow().indexType().signed();
        this.dictionary = dictionary;
    }

    /** The indexes, one per row (a null row's index is whatever the file holds), as an integer array in place. */
    public TypedArray indices() {
        return indices;
    }

    /** The dictionary: the distinct values that the indexes point at. */
    public ArrowColumn dictionary() {
        return dictionary;
    }

    /**
     * The index of row {@code row} into {@link #dictionary()}, or -1 for a null row.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the index is not within the
     *                                   dictionary (a corrupt file)
     */
    public long index(long row) {
        if (isNull(row)) {
            return -1;
        }
        long index;
        if (indices instanceof LongArray) {
            index = ((LongArray) indices).get(row); // uint64 beyond Long.MAX_VALUE reads negative: refused below
        } else if (indices instanceof IntArray) {
            index = signed ? ((IntArray) indices).get(row) : ((IntArray) indices).getUnsigned(row);
        } else if (indices instanceof ShortArray) {
            index = signed ? ((ShortArray) indices).get(row) : ((ShortArray) indices).getUnsigned(row);
        } else {
            index = signed ? ((ByteArray) indices).get(row) : ((ByteArray) indices).getUnsigned(row);
        }
        if (index < 0 || index >= dictionary.length()) {
            throw new IndexOutOfBoundsException("column '" + field.name() + "' row " + row + ": index " + index
                    + " is not within the dictionary of " + dictionary.length() + " values (a corrupt file)");
        }
        return index;
    }

    @Override
    public DictionaryColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new DictionaryColumn(field, to - from, slicedNullCount(from, to), sliced, indices.slice(from, to),
                dictionary);
    }
}
