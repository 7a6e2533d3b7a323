package org.jmmap.arrow;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmmap.array.ByteArray;
import org.jmmap.array.DoubleArray;
import org.jmmap.array.FloatArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.ShortArray;
import org.jmmap.array.TypedArray;

/**
 * Every value of a column as plain Java objects (Long, BigInteger, Double, Boolean, String, List, Map, null), in the
 * form the Python side of the tests prints with {@code json.dumps}: integers and temporal values as integers,
 * binary as hex, decimals as strings, tensors as nested lists.
 */
final class ColumnValues {

    private ColumnValues() {
    }

    static List<Object> of(ArrowColumn column) {
        List<Object> values = new ArrayList<>();
        for (long row = 0; row < column.length(); row++) {
            values.add(value(column, row));
        }
        return values;
    }

    static Object value(ArrowColumn column, long row) {
        if (column instanceof DictionaryColumn) {
            DictionaryColumn dictionary = (DictionaryColumn) column;
            long index = dictionary.index(row);
            return index < 0 ? null : value(dictionary.dictionary(), index);
        }
        if (column.isNull(row)) {
            return null;
        }
        if (column instanceof FixedWidthColumn) {
            return element(column.array(), row, column.type());
        }
        if (column instanceof BoolColumn) {
            return ((BoolColumn) column).get(row);
        }
        if (column instanceof FixedSizeBinaryColumn) {
            FixedSizeBinaryColumn binary = (FixedSizeBinaryColumn) column;
            return column.type() instanceof ArrowType.Decimal ? binary.getDecimal(row).toPlainString()
                    : HexFormat.of().formatHex(binary.getBytes(row));
        }
        if (column instanceof BinaryColumn) {
            BinaryColumn binary = (BinaryColumn) column;
            boolean text = column.type() instanceof ArrowType.Utf8 || column.type() instanceof ArrowType.LargeUtf8;
            return text ? binary.getString(row) : HexFormat.of().formatHex(binary.getBytes(row));
        }
        if (column instanceof FixedSizeListColumn) {
            if (column.field().tensor().isPresent()) {
                TypedArray tensors = column.array();
                return nested(tensors, row, 1, new long[tensors.rank()]);
            }
            return of(((FixedSizeListColumn) column).get(row));
        }
        if (column instanceof ListColumn) {
            List<Object> items = of(((ListColumn) column).get(row));
            if (column.type() instanceof ArrowType.Map) { // pyarrow: a list of (key, value) pairs
                List<Object> pairs = new ArrayList<>();
                for (Object entry : items) {
                    Map<?, ?> map = (Map<?, ?>) entry;
                    pairs.add(new ArrayList<>(map.values()));
                }
                return pairs;
            }
            return items;
        }
        if (column instanceof StructColumn) {
            Map<String, Object> struct = new LinkedHashMap<>();
            for (ArrowColumn child : ((StructColumn) column).children()) {
                struct.put(child.field().name(), value(child, row));
            }
            return struct;
        }
        throw new AssertionError("no reader for " + column);
    }

    private static List<Object> nested(TypedArray array, long row, int axis, long[] index) {
        index[0] = row;
        List<Object> out = new ArrayList<>();
        for (long i = 0; i < array.shape()[axis]; i++) {
            index[axis] = i;
            if (axis == array.rank() - 1) {
                out.add(leaf(array, index));
            } else {
                out.add(nested(array, row, axis + 1, index));
            }
        }
        return out;
    }

    /** One element: a Double for floating point arrays, a Long for the others (no numeric promotion). */
    private static Object leaf(TypedArray array, long[] index) {
        if (array instanceof FloatArray) {
            return (double) ((FloatArray) array).get(index);
        }
        if (array instanceof DoubleArray) {
            return ((DoubleArray) array).get(index);
        }
        if (array instanceof IntArray) {
            return (long) ((IntArray) array).get(index);
        }
        if (array instanceof LongArray) {
            return ((LongArray) array).get(index);
        }
        if (array instanceof ShortArray) {
            return (long) ((ShortArray) array).get(index);
        }
        return (long) ((ByteArray) array).get(index);
    }

    private static Object element(TypedArray array, long row, ArrowType type) {
        boolean unsigned = type instanceof ArrowType.Int && !((ArrowType.Int) type).signed();
        if (array instanceof DoubleArray) {
            return ((DoubleArray) array).get(row);
        }
        if (array instanceof FloatArray) {
            return (double) ((FloatArray) array).get(row);
        }
        if (array instanceof LongArray) {
            long value = ((LongArray) array).get(row);
            return unsigned && value < 0 ? new BigInteger(Long.toUnsignedString(value)) : (Object) value;
        }
        if (array instanceof IntArray) {
            return unsigned ? ((IntArray) array).getUnsigned(row) : (long) ((IntArray) array).get(row);
        }
        if (array instanceof ShortArray) {
            return unsigned ? (long) ((ShortArray) array).getUnsigned(row) : (long) ((ShortArray) array).get(row);
        }
        return unsigned ? (long) ((ByteArray) array).getUnsigned(row) : (long) ((ByteArray) array).get(row);
    }
}
