package org.jmmap.arrow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmmap.array.ByteArray;
import org.jmmap.array.DType;
import org.jmmap.array.TypedArray;

/**
 * The field nodes and buffers of one record batch from the values of its columns (Arrow columnar format, V5):
 * checks that each column's values fit its field, then describes each buffer by its length and how to fill it,
 * so that the writer can lay the body out and copy every buffer straight to its place. Nothing is written here.
 */
final class BatchEncoder {

    /** Fills a buffer: {@code into}'s remaining bytes from byte {@code from} of its content. */
    interface Filler {
        void fill(long from, ByteBuffer into);
    }

    /** One buffer of the body: its length in bytes and its content. */
    static final class Buffer {
        final long length;
        final Filler filler;

        Buffer(long length, Filler filler) {
            this.length = length;
            this.filler = filler;
        }
    }

    static final Buffer EMPTY = new Buffer(0, (from, into) -> { });

    final List<long[]> nodes = new ArrayList<>();
    final List<Buffer> buffers = new ArrayList<>();
    final long rows;

    /**
     * The batch of {@code columns}, one per field of {@code schema}.
     *
     * @throws IllegalArgumentException if the number of columns, a column's values, or the rows of the columns do
     *                                  not fit the schema; the message names the column
     */
    BatchEncoder(ArrowSchema schema, ColumnData[] columns) {
        List<ArrowField> fields = schema.fields();
        if (columns.length != fields.size()) {
            throw new IllegalArgumentException(columns.length + " columns for a schema of " + fields.size()
                    + " fields");
        }
        long common = -1;
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] == null) {
                throw new NullPointerException("column " + i + " ('" + fields.get(i).name() + "') is null");
            }
            long rows = encode(fields.get(i), columns[i]);
            if (common >= 0 && rows != common) {
                throw new IllegalArgumentException("column '" + fields.get(i).name() + "' has " + rows + " rows, "
                        + "column '" + fields.get(0).name() + "' " + common + ": every column of a batch has the "
                        + "same number of rows");
            }
            common = rows;
        }
        this.rows = Math.max(common, 0);
    }

    private static IllegalArgumentException misfit(ArrowField field, ColumnData data, String needs) {
        return new IllegalArgumentException("column '" + field.name() + "' (" + field.type() + ") takes " + needs
                + "; given " + data);
    }

    /** Encodes one column; returns its rows. */
    private long encode(ArrowField field, ColumnData data) {
        ArrowType type = field.type();
        if (type instanceof ArrowType.Null) {
            if (data.kind != ColumnData.Kind.NULLS) {
                throw misfit(field, data, "ColumnData.nulls(rows)");
            }
            nodes.add(new long[] {data.elements, data.elements});
            return data.elements;
        }
        if (data.kind == ColumnData.Kind.NULLS) {
            throw misfit(field, data, "values (ColumnData.nulls is for null fields)");
        }
        long rows;
        Buffer values;
        List<Buffer> more = new ArrayList<>();
        long[] child = null;
        if (type instanceof ArrowType.Bool) {
            rows = data.elements;
            values = boolValues(field, data);
        } else if (type instanceof ArrowType.Utf8 || type instanceof ArrowType.LargeUtf8
                || type instanceof ArrowType.Binary || type instanceof ArrowType.LargeBinary) {
            if (data.kind != ColumnData.Kind.BYTES) {
                throw misfit(field, data, "ColumnData.strings(...) or ColumnData.binary(...)");
            }
            rows = data.elements;
            boolean large = type instanceof ArrowType.LargeUtf8 || type instanceof ArrowType.LargeBinary;
            Buffer[] parts = variable(field, data.bytes, large);
            values = parts[0];
            more.add(parts[1]);
        } else if (type.descr().isPresent()) {
            String descr = type.descr().get();
            rows = type instanceof ArrowType.FixedSizeBinary || type instanceof ArrowType.Decimal
                    ? binaryRows(field, data, width(descr)) : values(field, data, width(descr), kindOf(descr));
            values = fixed(data);
        } else if (type instanceof ArrowType.FixedSizeList && field.children().get(0).type().descr().isPresent()
                && !(field.children().get(0).type() instanceof ArrowType.Bool)) {
            ArrowType item = field.children().get(0).type();
            int listSize = ((ArrowType.FixedSizeList) type).listSize();
            String descr = item.descr().get();
            rows = lists(field, data, listSize, descr);
            values = fixed(data);
            child = new long[] {Math.multiplyExact(rows, (long) listSize), 0};
        } else {
            throw new IllegalArgumentException("column '" + field.name() + "' (" + field + "): jmmap writes "
                    + "fixed-width, bool, string and binary columns, and fixed-size lists and tensors of "
                    + "fixed-width values");
        }
        long nulls = 0;
        Buffer validity = EMPTY;
        if (data.validity != null) {
            if (data.validity.length != rows) {
                throw new IllegalArgumentException("column '" + field.name() + "': " + data.validity.length
                        + " validity entries for " + rows + " rows");
            }
            for (boolean valid : data.validity) {
                nulls += valid ? 0 : 1;
            }
            if (nulls > 0 && !field.isNullable()) {
                throw new IllegalArgumentException("column '" + field.name() + "' is declared not null, and " + nulls
                        + " of its rows are null");
            }
            validity = nulls == 0 ? EMPTY : bitmap(data.validity);
        }
        nodes.add(new long[] {rows, nulls});
        buffers.add(validity);
        if (child != null) { // the items of a fixed-size list: a node of their own, no nulls
            nodes.add(child);
            buffers.add(EMPTY);
        }
        buffers.add(values);
        buffers.addAll(more);
        return rows;
    }

    /** The bytes of a value of the numpy type {@code descr}: {@code "<f8"} 8, {@code "|S16"} 16, {@code "<M8[ns]"} 8. */
    private static int width(String descr) {
        int bracket = descr.indexOf('[');
        return Integer.parseInt(descr.substring(2, bracket < 0 ? descr.length() : bracket));
    }

    /** The kind of source a field of {@code descr} takes: "f" floats, "i" integers and datetimes. */
    private static String kindOf(String descr) {
        return descr.charAt(1) == 'f' ? "f" : "i";
    }

    /** Whether elements of {@code dtype} may be written bit for bit into a field of that kind and width. */
    private static boolean fits(DType dtype, int itemSize, String kind, int width) {
        if (itemSize != width) {
            return false;
        }
        if (kind.equals("f")) {
            return dtype.isFloatingPoint();
        }
        return dtype.isInteger() || dtype == DType.DATETIME64 || dtype == DType.TIMEDELTA64 || dtype == DType.BOOL;
    }

    private static int itemSize(ColumnData data) {
        return data.kind == ColumnData.Kind.TYPED ? data.typed.itemSize() : data.dtype.itemSize();
    }

    /** The rows of a fixed-width column of {@code width}-byte values of {@code kind}. */
    private static long values(ArrowField field, ColumnData data, int width, String kind) {
        String needs = "a 1-d array or a Java array of " + width + "-byte "
                + (kind.equals("f") ? "floating point numbers" : "integers");
        if ((data.kind != ColumnData.Kind.TYPED && data.kind != ColumnData.Kind.ARRAY)
                || !fits(data.dtype, itemSize(data), kind, width)) {
            throw misfit(field, data, needs);
        }
        if (data.kind == ColumnData.Kind.TYPED && data.typed.rank() != 1) {
            throw misfit(field, data, needs + " (declare the field with ArrowField.tensor(name, type, shape) for "
                    + "N-d arrays, one per row)");
        }
        return data.elements;
    }

    /** The rows of a fixed-size binary or decimal column of {@code width} bytes a row. */
    private static long binaryRows(ArrowField field, ColumnData data, int width) {
        String needs = "a (rows, " + width + ") array of bytes or a byte[]";
        if ((data.kind != ColumnData.Kind.TYPED && data.kind != ColumnData.Kind.ARRAY) || itemSize(data) != 1
                || !(data.dtype.isInteger() || data.dtype == DType.BOOL)) {
            throw misfit(field, data, needs);
        }
        if (data.kind == ColumnData.Kind.TYPED) {
            long[] shape = data.typed.shape();
            if (shape.length != 2 || shape[1] != width) {
                throw misfit(field, data, needs);
            }
            return shape[0];
        }
        if (data.elements % width != 0) {
            throw misfit(field, data, needs + " (a multiple of " + width + " bytes)");
        }
        return data.elements / width;
    }

    /** The rows of a fixed-size list (or tensor) column of {@code listSize} items of {@code descr}. */
    private static long lists(ArrowField field, ColumnData data, int listSize, String descr) {
        FixedShapeTensor tensor = field.tensor().orElse(null);
        String kind = kindOf(descr);
        int width = width(descr);
        String needs = tensor != null ? "a (rows, " + Arrays.toString(tensor.logicalShape()).replaceAll("[\\[\\]]", "")
                + ") array of " + width + "-byte " + (kind.equals("f") ? "floating point numbers" : "integers")
                : "an array of (rows, " + listSize + ") " + width + "-byte values, or a flat Java array of them";
        if (data.kind != ColumnData.Kind.TYPED && data.kind != ColumnData.Kind.ARRAY) {
            throw misfit(field, data, needs);
        }
        if (!fits(data.dtype, itemSize(data), kind, width)) {
            throw misfit(field, data, needs);
        }
        if (tensor != null && tensor.permutation().isPresent()) {
            throw new IllegalArgumentException("column '" + field.name() + "': jmmap writes tensors in C order, "
                    + "declare the field without a permutation");
        }
        if (data.kind == ColumnData.Kind.TYPED) {
            long[] shape = data.typed.shape();
            long[] items = Arrays.copyOfRange(shape, Math.min(1, shape.length), shape.length);
            boolean ok = shape.length >= 2 && (tensor != null ? Arrays.equals(items, tensor.shape())
                    : Arrays.stream(items).reduce(1, Math::multiplyExact) == listSize);
            if (!ok) {
                throw misfit(field, data, needs);
            }
            return shape[0];
        }
        if (listSize == 0 || data.elements % listSize != 0) {
            throw misfit(field, data, needs + " (a multiple of " + listSize + " values)");
        }
        return data.elements / listSize;
    }

    /** The values buffer of a typed array or a Java array: its elements, little-endian, C order. */
    private static Buffer fixed(ColumnData data) {
        if (data.kind == ColumnData.Kind.TYPED) {
            RawCopy copy = new RawCopy(data.typed);
            return new Buffer(copy.byteLength(), copy::copy);
        }
        Object array = data.array;
        int width = data.dtype.itemSize();
        return new Buffer(data.elements * width, (from, into) -> {
            ByteBuffer target = into.order(ByteOrder.LITTLE_ENDIAN);
            int start = (int) (from / width);
            int count = target.remaining() / width;
            if (array instanceof double[]) {
                target.asDoubleBuffer().put((double[]) array, start, count);
            } else if (array instanceof float[]) {
                target.asFloatBuffer().put((float[]) array, start, count);
            } else if (array instanceof long[]) {
                target.asLongBuffer().put((long[]) array, start, count);
            } else if (array instanceof int[]) {
                target.asIntBuffer().put((int[]) array, start, count);
            } else if (array instanceof short[]) {
                target.asShortBuffer().put((short[]) array, start, count);
            } else {
                target.put((byte[]) array, start, count);
                return;
            }
            target.position(target.position() + count * width);
        });
    }

    private static Buffer boolValues(ArrowField field, ColumnData data) {
        if (data.kind == ColumnData.Kind.BOOLEANS) {
            return bitmap((boolean[]) data.array);
        }
        if (data.kind == ColumnData.Kind.TYPED && data.typed instanceof ByteArray && data.typed.rank() == 1) {
            ByteArray bytes = (ByteArray) data.typed;
            return new Buffer((bytes.size() + 7) / 8, (from, into) -> {
                long bits = bytes.size();
                while (into.hasRemaining()) {
                    int packed = 0;
                    for (int bit = 0; bit < 8 && from * 8 + bit < bits; bit++) {
                        packed |= (bytes.get(from * 8 + bit) != 0 ? 1 : 0) << bit;
                    }
                    into.put((byte) packed);
                    from++;
                }
            });
        }
        throw misfit(field, data, "a boolean[] or a 1-d array of bytes");
    }

    /** A bitmap of {@code bits}, least significant bit first. */
    private static Buffer bitmap(boolean[] bits) {
        return new Buffer((bits.length + 7) / 8, (from, into) -> {
            while (into.hasRemaining()) {
                int packed = 0;
                for (int bit = 0; bit < 8 && from * 8 + bit < bits.length; bit++) {
                    packed |= (bits[(int) (from * 8 + bit)] ? 1 : 0) << bit;
                }
                into.put((byte) packed);
                from++;
            }
        });
    }

    /** The offsets and data buffers of variable-size values. */
    private static Buffer[] variable(ArrowField field, byte[][] values, boolean large) {
        long total = 0;
        for (byte[] value : values) {
            total += value == null ? 0 : value.length;
        }
        if (!large && total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("column '" + field.name() + "': " + total + " bytes of values "
                    + "overflow the 32-bit offsets of " + field.type() + "; declare it large_string or large_binary");
        }
        byte[] data = new byte[Math.toIntExact(total)];
        long[] offsets = new long[values.length + 1];
        int at = 0;
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                System.arraycopy(values[i], 0, data, at, values[i].length);
                at += values[i].length;
            }
            offsets[i + 1] = at;
        }
        int width = large ? 8 : 4;
        Buffer offsetBuffer = new Buffer((long) offsets.length * width, (from, into) -> {
            ByteBuffer target = into.order(ByteOrder.LITTLE_ENDIAN);
            for (int i = (int) (from / width); target.hasRemaining(); i++) {
                if (large) {
                    target.putLong(offsets[i]);
                } else {
                    target.putInt((int) offsets[i]);
                }
            }
        });
        Buffer dataBuffer = new Buffer(data.length, (from, into) -> into.put(data, (int) from, into.remaining()));
        return new Buffer[] {offsetBuffer, dataBuffer};
    }
}
