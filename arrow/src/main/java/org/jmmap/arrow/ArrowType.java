package org.jmmap.arrow;

import java.util.Objects;

/**
 * An Arrow data type, as the {@code Type} union of Arrow's {@code Schema.fbs} names it. Each kind is a record
 * whose components are the type's parameters; {@code toString()} spells the type as pyarrow prints it
 * ({@code int64}, {@code timestamp[ns, tz=UTC]}, {@code fixed_size_list[3]}), without the children that
 * {@link ArrowField#toString()} adds.
 *
 * <p>Which column reads which type, and the numpy type string ({@link #descr()}) of the values of the fixed-width
 * ones, which {@link ArrowColumn#array()} maps in place:
 * <table>
 * <caption>Types and their columns</caption>
 * <tr><th>type</th><th>column</th><th>values</th></tr>
 * <tr><td>{@link Int}, {@link FloatingPoint}</td><td>{@link FixedWidthColumn}</td><td>{@code |i1 <u2 <i8 <f2 <f4
 * <f8 ...}</td></tr>
 * <tr><td>{@link Timestamp}, {@link Duration}, {@link Date} (ms), {@link Time} (us, ns)</td><td>{@link
 * FixedWidthColumn}</td><td>{@code <M8[unit]}, {@code <m8[unit]}: a {@link org.jmmap.array.LongArray}</td></tr>
 * <tr><td>{@link Date} (days), {@link Time} (s, ms)</td><td>{@link FixedWidthColumn}</td><td>{@code <i4}</td></tr>
 * <tr><td>{@link FixedSizeBinary}, {@link Decimal}</td><td>{@link FixedSizeBinaryColumn}</td><td>{@code |S<width>}:
 * a (rows, width) {@link org.jmmap.array.ByteArray}</td></tr>
 * <tr><td>{@link Bool}</td><td>{@link BoolColumn}</td><td>a {@link Bitmap}</td></tr>
 * <tr><td>{@link Utf8}, {@link LargeUtf8}, {@link Binary}, {@link LargeBinary}</td><td>{@link BinaryColumn}</td>
 * <td>offsets and data</td></tr>
 * <tr><td>{@link FixedSizeList} (and the {@code arrow.fixed_shape_tensor} extension)</td><td>{@link
 * FixedSizeListColumn}</td><td>an N-d array when the items are fixed-width</td></tr>
 * <tr><td>{@link List}, {@link LargeList}, {@link Map}</td><td>{@link ListColumn}</td><td>offsets and a child</td>
 * </tr>
 * <tr><td>{@link Struct}</td><td>{@link StructColumn}</td><td>children</td></tr>
 * <tr><td>{@link Null}</td><td>{@link NullColumn}</td><td>nothing</td></tr>
 * </table>
 * A dictionary-encoded field ({@link ArrowField#dictionary()}) is read as a {@link DictionaryColumn}.
 * {@link Unsupported} stands for the types jmmap describes but does not read (unions, intervals, run-end encoding,
 * the view layouts): their columns are refused with a message naming the type.
 */
public sealed interface ArrowType {

    /** The units of {@link Time}, {@link Timestamp} and {@link Duration}. */
    enum TimeUnit {
        /** Seconds. */
        SECOND("s"),
        /** Milliseconds. */
        MILLISECOND("ms"),
        /** Microseconds. */
        MICROSECOND("us"),
        /** Nanoseconds. */
        NANOSECOND("ns");

        private final String symbol;

        TimeUnit(String symbol) {
            this.symbol = symbol;
        }

        /** The unit's symbol as Arrow and numpy write it: {@code s}, {@code ms}, {@code us}, {@code ns}. */
        public String symbol() {
            return symbol;
        }
    }

    /**
     * The numpy type string of one value of a fixed-width type in little-endian order ({@code "<f8"},
     * {@code "<M8[ns]"}, {@code "|S16"}), or empty for the types whose values are not fixed-width elements
     * ({@link Bool} is bit-packed, the others have offsets or children).
     */
    default java.util.Optional<String> descr() {
        return java.util.Optional.empty();
    }

    /** numpy's type string of 64-bit datetimes ({@code kind} M) or timedeltas (m) of {@code unit}. */
    private static String unitDescr(char kind, TimeUnit unit) {
        return "<" + kind + "8[" + unit.symbol() + "]";
    }

    /** The type of a column of nulls only, which has no buffers. */
    record Null() implements ArrowType {
        @Override
        public String toString() {
            return "null";
        }
    }

    /** Booleans, one bit each. */
    record Bool() implements ArrowType {
        @Override
        public String toString() {
            return "bool";
        }
    }

    /**
     * Integers of {@code bitWidth} (8, 16, 32 or 64) bits, signed or not.
     *
     * @param bitWidth 8, 16, 32 or 64
     * @param signed   whether the values are two's complement signed integers
     */
    record Int(int bitWidth, boolean signed) implements ArrowType {
        /** @throws IllegalArgumentException for another bit width */
        public Int {
            if (bitWidth != 8 && bitWidth != 16 && bitWidth != 32 && bitWidth != 64) {
                throw new IllegalArgumentException("bitWidth=" + bitWidth + ": an Arrow integer has 8, 16, 32 or "
                        + "64 bits");
            }
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of((bitWidth == 8 ? "|" : "<") + (signed ? "i" : "u") + bitWidth / 8);
        }

        @Override
        public String toString() {
            return (signed ? "int" : "uint") + bitWidth;
        }
    }

    /**
     * IEEE 754 floating point numbers of {@code bitWidth} (16, 32 or 64) bits.
     *
     * @param bitWidth 16 (half), 32 (single) or 64 (double)
     */
    record FloatingPoint(int bitWidth) implements ArrowType {
        /** @throws IllegalArgumentException for another bit width */
        public FloatingPoint {
            if (bitWidth != 16 && bitWidth != 32 && bitWidth != 64) {
                throw new IllegalArgumentException("bitWidth=" + bitWidth + ": an Arrow floating point type has 16, "
                        + "32 or 64 bits");
            }
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of("<f" + bitWidth / 8);
        }

        @Override
        public String toString() {
            return bitWidth == 16 ? "halffloat" : bitWidth == 32 ? "float" : "double";
        }
    }

    /** UTF-8 strings with 32-bit offsets. */
    record Utf8() implements ArrowType {
        @Override
        public String toString() {
            return "string";
        }
    }

    /** UTF-8 strings with 64-bit offsets. */
    record LargeUtf8() implements ArrowType {
        @Override
        public String toString() {
            return "large_string";
        }
    }

    /** Byte strings with 32-bit offsets. */
    record Binary() implements ArrowType {
        @Override
        public String toString() {
            return "binary";
        }
    }

    /** Byte strings with 64-bit offsets. */
    record LargeBinary() implements ArrowType {
        @Override
        public String toString() {
            return "large_binary";
        }
    }

    /**
     * Byte strings of {@code byteWidth} bytes each.
     *
     * @param byteWidth the bytes of each value, at least 1
     */
    record FixedSizeBinary(int byteWidth) implements ArrowType {
        /** @throws IllegalArgumentException if {@code byteWidth < 1} */
        public FixedSizeBinary {
            if (byteWidth < 1) {
                throw new IllegalArgumentException("byteWidth=" + byteWidth + ": must be >= 1");
            }
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of("|S" + byteWidth);
        }

        @Override
        public String toString() {
            return "fixed_size_binary[" + byteWidth + "]";
        }
    }

    /**
     * Decimal numbers: little-endian two's complement integers of {@code bitWidth} bits, scaled by
     * {@code 10^-scale}.
     *
     * @param precision the number of decimal digits, 1 to 76
     * @param scale     the digits after the decimal point (negative: a multiple of a power of ten)
     * @param bitWidth  32, 64, 128 or 256
     */
    record Decimal(int precision, int scale, int bitWidth) implements ArrowType {
        /** @throws IllegalArgumentException for another bit width or a precision outside 1..76 */
        public Decimal {
            if (bitWidth != 32 && bitWidth != 64 && bitWidth != 128 && bitWidth != 256) {
                throw new IllegalArgumentException("bitWidth=" + bitWidth + ": an Arrow decimal has 32, 64, 128 or "
                        + "256 bits");
            }
            if (precision < 1 || precision > 76) {
                throw new IllegalArgumentException("precision=" + precision + ": must be within 1..76");
            }
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of("|S" + bitWidth / 8);
        }

        @Override
        public String toString() {
            return "decimal" + bitWidth + "(" + precision + ", " + scale + ")";
        }
    }

    /**
     * Dates: days since 1970-01-01 in 32 bits ({@code days}), or milliseconds since then in 64 bits.
     *
     * @param days true for {@code date32} (days), false for {@code date64} (milliseconds)
     */
    record Date(boolean days) implements ArrowType {
        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of(days ? "<i4" : "<M8[ms]");
        }

        @Override
        public String toString() {
            return days ? "date32[day]" : "date64[ms]";
        }
    }

    /**
     * Times of day since midnight: 32 bits for seconds and milliseconds, 64 bits for microseconds and
     * nanoseconds.
     *
     * @param unit the unit of the values
     */
    record Time(TimeUnit unit) implements ArrowType {
        /** @throws NullPointerException if {@code unit} is null */
        public Time {
            Objects.requireNonNull(unit, "unit");
        }

        /** 32 or 64, as the unit implies. */
        public int bitWidth() {
            return unit == TimeUnit.SECOND || unit == TimeUnit.MILLISECOND ? 32 : 64;
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of(bitWidth() == 32 ? "<i4" : unitDescr('m', unit));
        }

        @Override
        public String toString() {
            return "time" + bitWidth() + "[" + unit.symbol() + "]";
        }
    }

    /**
     * Instants: signed 64-bit counts of {@code unit} since 1970-01-01 00:00 UTC, shown in {@code timezone}.
     *
     * @param unit     the unit of the values
     * @param timezone an IANA name or offset ({@code "UTC"}, {@code "+02:00"}), or null for a naive timestamp
     */
    record Timestamp(TimeUnit unit, String timezone) implements ArrowType {
        /** @throws NullPointerException if {@code unit} is null */
        public Timestamp {
            Objects.requireNonNull(unit, "unit");
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of(unitDescr('M', unit));
        }

        @Override
        public String toString() {
            return "timestamp[" + unit.symbol() + (timezone == null ? "" : ", tz=" + timezone) + "]";
        }
    }

    /**
     * Durations: signed 64-bit counts of {@code unit}.
     *
     * @param unit the unit of the values
     */
    record Duration(TimeUnit unit) implements ArrowType {
        /** @throws NullPointerException if {@code unit} is null */
        public Duration {
            Objects.requireNonNull(unit, "unit");
        }

        @Override
        public java.util.Optional<String> descr() {
            return java.util.Optional.of(unitDescr('m', unit));
        }

        @Override
        public String toString() {
            return "duration[" + unit.symbol() + "]";
        }
    }

    /** Lists of any length of the one child's values, with 32-bit offsets. */
    record List() implements ArrowType {
        @Override
        public String toString() {
            return "list";
        }
    }

    /** Lists of any length of the one child's values, with 64-bit offsets. */
    record LargeList() implements ArrowType {
        @Override
        public String toString() {
            return "large_list";
        }
    }

    /**
     * Lists of exactly {@code listSize} of the one child's values.
     *
     * @param listSize the values in each list, at least 0
     */
    record FixedSizeList(int listSize) implements ArrowType {
        /** @throws IllegalArgumentException if {@code listSize < 0} */
        public FixedSizeList {
            if (listSize < 0) {
                throw new IllegalArgumentException("listSize=" + listSize + ": must be >= 0");
            }
        }

        @Override
        public String toString() {
            return "fixed_size_list[" + listSize + "]";
        }
    }

    /**
     * Maps: lists of (key, value) entries, the child being a struct of the two.
     *
     * @param keysSorted whether the keys of each map are sorted
     */
    record Map(boolean keysSorted) implements ArrowType {
        @Override
        public String toString() {
            return "map" + (keysSorted ? "[keys_sorted]" : "");
        }
    }

    /** Records of the children's values. */
    record Struct() implements ArrowType {
        @Override
        public String toString() {
            return "struct";
        }
    }

    /**
     * A type that jmmap describes but does not read: unions, intervals, run-end encoding, the string, binary and
     * list view layouts.
     *
     * @param name the type as Arrow names it, with its parameters ({@code "dense_union"}, {@code "interval[ms]"})
     */
    record Unsupported(String name) implements ArrowType {
        /** @throws NullPointerException if {@code name} is null */
        public Unsupported {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    // -----------------------------------------------------------------------------------------------------------
    // The common types, by pyarrow's names

    /** {@code int8}. */
    static ArrowType int8() {
        return new Int(8, true);
    }

    /** {@code int16}. */
    static ArrowType int16() {
        return new Int(16, true);
    }

    /** {@code int32}. */
    static ArrowType int32() {
        return new Int(32, true);
    }

    /** {@code int64}. */
    static ArrowType int64() {
        return new Int(64, true);
    }

    /** {@code uint8}. */
    static ArrowType uint8() {
        return new Int(8, false);
    }

    /** {@code uint16}. */
    static ArrowType uint16() {
        return new Int(16, false);
    }

    /** {@code uint32}. */
    static ArrowType uint32() {
        return new Int(32, false);
    }

    /** {@code uint64}. */
    static ArrowType uint64() {
        return new Int(64, false);
    }

    /** {@code float16} (half precision). */
    static ArrowType float16() {
        return new FloatingPoint(16);
    }

    /** {@code float32}. */
    static ArrowType float32() {
        return new FloatingPoint(32);
    }

    /** {@code float64}. */
    static ArrowType float64() {
        return new FloatingPoint(64);
    }

    /** {@code bool}. */
    static ArrowType bool() {
        return new Bool();
    }

    /** {@code string} (UTF-8, 32-bit offsets). */
    static ArrowType utf8() {
        return new Utf8();
    }

    /** {@code binary} (32-bit offsets). */
    static ArrowType binary() {
        return new Binary();
    }

    /** {@code timestamp[unit, tz=timezone]}; {@code timezone} null for a naive timestamp. */
    static ArrowType timestamp(TimeUnit unit, String timezone) {
        return new Timestamp(unit, timezone);
    }

    /** {@code duration[unit]}. */
    static ArrowType duration(TimeUnit unit) {
        return new Duration(unit);
    }
}
