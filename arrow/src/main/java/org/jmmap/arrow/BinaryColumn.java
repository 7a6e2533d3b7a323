package org.jmmap.arrow;

import java.nio.charset.StandardCharsets;
import org.jmmap.array.ByteArray;
import org.jmmap.array.TypedArray;

/**
 * A column of strings or byte strings of any length: {@link ArrowType.Utf8}, {@link ArrowType.LargeUtf8},
 * {@link ArrowType.Binary}, {@link ArrowType.LargeBinary}. Row {@code i} is the bytes
 * {@code [offsets[i], offsets[i + 1])} of the data buffer; both are views in place ({@link #offsets()},
 * {@link #data()}), and {@link #getString(long)} decodes one row.
 */
public final class BinaryColumn extends ArrowColumn {

    private final Offsets offsets;
    private final ByteArray data;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, Offsets offsets, ByteArray data) {
        return new BinaryColumn(field, length, nullCount, validity, offsets, data);
    }

    BinaryColumn(ArrowField field, long length, long nullCount, Bitmap validity, Offsets offsets, ByteArray data) {
        super(field, length, nullCount, validity);
        this.offsets = offsets;
        this.data = data;
    }

    /** The {@code length() + 1} offsets into {@link #data()}: an {@code IntArray}, or a {@code LongArray} for the large types. */
    public TypedArray offsets() {
        return offsets.array();
    }

    /** The data buffer: every row's bytes, one after the other. */
    public ByteArray data() {
        return data;
    }

    /**
     * The offset in {@link #data()} of row {@code row}'s first byte.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public long start(long row) {
        checkRow(row);
        return offsets.start(row);
    }

    /**
     * The length in bytes of row {@code row}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public long valueLength(long row) {
        checkRow(row);
        return offsets.end(row) - offsets.start(row);
    }

    /**
     * A copy of the bytes of row {@code row}, or null for a null row.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     * @throws IllegalStateException     if the value is longer than a Java array holds
     */
    public byte[] getBytes(long row) {
        if (isNull(row)) {
            return null;
        }
        long start = offsets.start(row);
        long count = offsets.get(row + 1) - start;
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("column '" + field.name() + "' row " + row + " has " + count
                    + " bytes: more than a Java array holds");
        }
        byte[] bytes = new byte[(int) count];
        data.copyTo(start, bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * Row {@code row} decoded from UTF-8 (malformed bytes become U+FFFD), or null for a null row.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}, or if the offsets are corrupt
     */
    public String getString(long row) {
        byte[] bytes = getBytes(row);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public BinaryColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new BinaryColumn(field, to - from, slicedNullCount(from, to), sliced, offsets.slice(from, to), data);
    }
}
