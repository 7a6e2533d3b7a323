package org.jmmap.arrow;

import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.TypedArray;

/**
 * The offsets buffer of a variable-size column (32 or 64 bits), {@code rows + 1} entries: row {@code i} spans
 * {@code [get(i), get(i + 1))} of the child or data. Every pair is checked when read, against {@code limit}, so
 * that corrupt offsets give an exception naming them rather than a wrong value.
 */
final class Offsets {

    private final TypedArray array;
    private final IntArray ints;
    private final LongArray longs;
    /** The number of values the offsets index: the data's bytes or the child's rows. */
    private final long limit;
    private final String column;

    Offsets(TypedArray array, long limit, String column) {
        this.array = array;
        this.ints = array instanceof IntArray ? (IntArray) array : null;
        this.longs = array instanceof LongArray ? (LongArray) array : null;
        this.limit = limit;
        this.column = column;
    }

    TypedArray array() {
        return array;
    }

    long get(long index) {
        return ints != null ? ints.get(index) : longs.get(index);
    }

    /** The start of row {@code row}: its end is {@link #end}, both checked. */
    long start(long row) {
        long start = get(row);
        long end = get(row + 1);
        if (start < 0 || start > end || end > limit) {
            throw new IndexOutOfBoundsException("column '" + column + "' row " + row + ": offsets " + start + ".."
                    + end + " are not within 0.." + limit + " (a corrupt file)");
        }
        return start;
    }

    long end(long row) {
        start(row);
        return get(row + 1);
    }

    /** The offsets of rows {@code [from, to)}: entries {@code from..to}. */
    Offsets slice(long from, long to) {
        return new Offsets(array.slice(from, to + 1), limit, column);
    }
}
