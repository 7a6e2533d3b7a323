package org.jmmap.arrow;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.jmmap.array.ByteArray;

/**
 * A column of byte strings of one width: {@link ArrowType.FixedSizeBinary} and {@link ArrowType.Decimal} (little-endian
 * two's complement integers, scaled). {@link #array()} is a {@code (rows, width)} byte array in place.
 */
public final class FixedSizeBinaryColumn extends ArrowColumn {

    private final ByteArray values;
    private final int width;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, ByteArray values) {
        return new FixedSizeBinaryColumn(field, length, nullCount, validity, values);
    }

    FixedSizeBinaryColumn(ArrowField field, long length, long nullCount, Bitmap validity, ByteArray values) {
        super(field, length, nullCount, validity);
        this.values = values;
        this.width = (int) values.shape()[1];
    }

    /** The bytes of each value. */
    public int width() {
        return width;
    }

    /** The values, a {@code (rows, width)} array in place. */
    @Override
    public ByteArray array() {
        return values;
    }

    /**
     * A copy of the bytes of row {@code row}, or null for a null row.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}
     */
    public byte[] getBytes(long row) {
        if (isNull(row)) {
            return null;
        }
        byte[] bytes = new byte[width];
        values.copyTo(row * width, bytes, 0, width);
        return bytes;
    }

    /**
     * The decimal number in row {@code row}, or null for a null row.
     *
     * @throws UnsupportedOperationException if the column is not of a {@link ArrowType.Decimal} type
     * @throws IndexOutOfBoundsException     unless {@code 0 <= row < length()}
     */
    public BigDecimal getDecimal(long row) {
        if (!(field.type() instanceof ArrowType.Decimal)) {
            throw new UnsupportedOperationException("column '" + field.name() + "' is " + field.type()
                    + ", not a decimal");
        }
        byte[] littleEndian = getBytes(row);
        if (littleEndian == null) {
            return null;
        }
        byte[] bigEndian = new byte[width];
        for (int i = 0; i < width; i++) {
            bigEndian[i] = littleEndian[width - 1 - i];
        }
        return new BigDecimal(new BigInteger(bigEndian), ((ArrowType.Decimal) field.type()).scale());
    }

    @Override
    public FixedSizeBinaryColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new FixedSizeBinaryColumn(field, to - from, slicedNullCount(from, to), sliced, values.slice(from, to));
    }
}
