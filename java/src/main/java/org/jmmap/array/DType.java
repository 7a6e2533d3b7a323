package org.jmmap.array;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The element types of NumPy arrays that jmmap maps, with NumPy's type codes. A {@code DType} names the kind of
 * element only; the byte order, the length of a string type, the unit of a datetime and the fields of a structured
 * type are in the {@link NpyHeader} (or {@link NpyHeader.Field}) that describes an array.
 *
 * <p>Which typed view reads which type: {@link DoubleArray} {@link #FLOAT64} (and {@link #COMPLEX128} as pairs of
 * doubles), {@link FloatArray} {@link #FLOAT32} and {@link #FLOAT16} (widened to {@code float}, and
 * {@link #COMPLEX64} as pairs), {@link LongArray} {@link #INT64}, {@link #UINT64}, {@link #DATETIME64} and
 * {@link #TIMEDELTA64} (ticks of the unit), {@link IntArray} {@link #INT32} and {@link #UINT32}, {@link ShortArray}
 * {@link #INT16} and {@link #UINT16}, {@link ByteArray} {@link #INT8}, {@link #UINT8} and {@link #BOOL}.
 * {@link #STRUCT} arrays are read one field at a time ({@link NpyFile#field}).
 */
public enum DType {
    /** {@code np.bool_}, {@code |b1}: one byte, 0 or 1. */
    BOOL('b', 1),
    /** {@code np.int8}, {@code |i1}. */
    INT8('i', 1),
    /** {@code np.uint8}, {@code |u1}. */
    UINT8('u', 1),
    /** {@code np.int16}, {@code <i2}. */
    INT16('i', 2),
    /** {@code np.uint16}, {@code <u2}. */
    UINT16('u', 2),
    /** {@code np.int32}, {@code <i4}. */
    INT32('i', 4),
    /** {@code np.uint32}, {@code <u4}. */
    UINT32('u', 4),
    /** {@code np.int64}, {@code <i8}. */
    INT64('i', 8),
    /** {@code np.uint64}, {@code <u8}. */
    UINT64('u', 8),
    /** {@code np.float16}, {@code <f2}: IEEE 754 half precision. */
    FLOAT16('f', 2),
    /** {@code np.float32}, {@code <f4}. */
    FLOAT32('f', 4),
    /** {@code np.float64}, {@code <f8}. */
    FLOAT64('f', 8),
    /** {@code np.complex64}, {@code <c8}: two float32, real part first. */
    COMPLEX64('c', 8),
    /** {@code np.complex128}, {@code <c16}: two float64, real part first. */
    COMPLEX128('c', 16),
    /** {@code np.datetime64}, {@code <M8[unit]}: a signed 64-bit count of units since 1970-01-01. */
    DATETIME64('M', 8),
    /** {@code np.timedelta64}, {@code <m8[unit]}: a signed 64-bit count of units. */
    TIMEDELTA64('m', 8),
    /** {@code np.bytes_}, {@code |Sn}: n bytes, NUL-padded. */
    BYTES('S', 0),
    /** {@code np.str_}, {@code <Un}: n UCS-4 code points, 4n bytes, NUL-padded. */
    UNICODE('U', 0),
    /** A structured type (named fields at byte offsets), or raw bytes without fields ({@code |Vn}). */
    STRUCT('V', 0);

    private final char kind;
    private final int itemSize;

    DType(char kind, int itemSize) {
        this.kind = kind;
        this.itemSize = itemSize;
    }

    /** NumPy's kind character: {@code b i u f c M m S U V}. */
    public char kind() {
        return kind;
    }

    /**
     * The size of one element in bytes, or 0 for the types whose size varies ({@link #BYTES}, {@link #UNICODE},
     * {@link #STRUCT}): {@link NpyHeader#itemSize()} has it.
     */
    public int itemSize() {
        return itemSize;
    }

    /** Whether every element of this type has the same size ({@link #itemSize()} is not 0). */
    public boolean hasFixedSize() {
        return itemSize > 0;
    }

    /** Whether this is one of the unsigned integer types. */
    public boolean isUnsigned() {
        return kind == 'u';
    }

    /** Whether this is a signed or unsigned integer type (not {@link #BOOL}, not the datetimes). */
    public boolean isInteger() {
        return kind == 'i' || kind == 'u';
    }

    /** Whether this is {@link #FLOAT16}, {@link #FLOAT32} or {@link #FLOAT64}. */
    public boolean isFloatingPoint() {
        return kind == 'f';
    }

    /** Whether the byte order matters for this type (it does for every type of more than one byte but BYTES). */
    boolean hasByteOrder() {
        return itemSize > 1 || this == UNICODE;
    }

    /**
     * NumPy's type string ({@code dtype.str}) for this type in {@code order}: {@code "<f8"}, {@code ">i4"},
     * {@code "|u1"} (one-byte types have no order).
     *
     * @throws IllegalArgumentException for the types that need more than an order ({@link #BYTES},
     *                                  {@link #UNICODE}, {@link #STRUCT} need a size, {@link #DATETIME64} and
     *                                  {@link #TIMEDELTA64} a unit): write their descr, such as {@code "<M8[ns]"}
     */
    public String descr(ByteOrder order) {
        Objects.requireNonNull(order, "order");
        if (!hasFixedSize()) {
            throw new IllegalArgumentException("dtype=" + this + " has no fixed size: give its descr, such as '"
                    + (this == BYTES ? "|S16" : this == UNICODE ? "<U16" : "[('x', '<f8'), ('y', '<f8')]") + "'");
        }
        if (kind == 'M' || kind == 'm') {
            throw new IllegalArgumentException("dtype=" + this + " needs a unit: give its descr, such as '<" + kind
                    + "8[ns]'");
        }
        return (itemSize == 1 ? "|" : order == ByteOrder.LITTLE_ENDIAN ? "<" : ">") + kind + itemSize;
    }
}
