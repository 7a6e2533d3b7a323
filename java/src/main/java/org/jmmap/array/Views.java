package org.jmmap.array;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.jmmap.Mapping;

/** Makes the typed view that reads a dtype, and checks that a requested view fits it. */
final class Views {

    private Views() {
    }

    /**
     * The view of elements of {@code type} at {@code base} in {@code mapping} with {@code shape} and byte
     * {@code strides}: complex numbers as pairs of floats or doubles, strings as their bytes or code points along
     * an extra last axis.
     *
     * @throws UnsupportedOperationException for a structured type, which is read one field at a time
     */
    static TypedArray of(Mapping mapping, Path file, long fileOffset, Descr type, long base, long[] shape,
                         long[] strides) {
        ByteOrder order = type.order == null ? ByteOrder.nativeOrder() : type.order;
        switch (type.dtype) {
            case FLOAT64:
                return new DoubleArray(layout(mapping, file, fileOffset, DType.FLOAT64, order, null, base, shape,
                        strides));
            case COMPLEX128:
                return new DoubleArray(layout(mapping, file, fileOffset, DType.FLOAT64, order, null, base,
                        Layout.concat(shape, new long[] {2}), Layout.concat(strides, new long[] {8})));
            case FLOAT32:
            case FLOAT16:
                return new FloatArray(layout(mapping, file, fileOffset, type.dtype, order, null, base, shape,
                        strides));
            case COMPLEX64:
                return new FloatArray(layout(mapping, file, fileOffset, DType.FLOAT32, order, null, base,
                        Layout.concat(shape, new long[] {2}), Layout.concat(strides, new long[] {4})));
            case INT64:
            case UINT64:
            case DATETIME64:
            case TIMEDELTA64:
                return new LongArray(layout(mapping, file, fileOffset, type.dtype, order, type.unit, base, shape,
                        strides));
            case INT32:
            case UINT32:
                return new IntArray(layout(mapping, file, fileOffset, type.dtype, order, null, base, shape, strides));
            case UNICODE:
                return new IntArray(layout(mapping, file, fileOffset, DType.UINT32, order, null, base,
                        Layout.concat(shape, new long[] {type.itemSize / 4}), Layout.concat(strides, new long[] {4})));
            case INT16:
            case UINT16:
                return new ShortArray(layout(mapping, file, fileOffset, type.dtype, order, null, base, shape,
                        strides));
            case BOOL:
            case INT8:
            case UINT8:
                return new ByteArray(layout(mapping, file, fileOffset, type.dtype, order, null, base, shape,
                        strides));
            case BYTES:
                return new ByteArray(layout(mapping, file, fileOffset, DType.UINT8, order, null, base,
                        Layout.concat(shape, new long[] {type.itemSize}), Layout.concat(strides, new long[] {1})));
            case STRUCT:
            default:
                throw new UnsupportedOperationException("dtype " + type.text() + " is structured: it has no "
                        + "typed view of its own; read one field at a time with field(name)"
                        + (type.fields.isEmpty() ? "" : " (fields: " + type.fields.stream()
                                .map(NpyHeader.Field::name).collect(Collectors.joining(", ")) + ")"));
        }
    }

    private static Layout layout(Mapping mapping, Path file, long fileOffset, DType dtype, ByteOrder order,
                                 String unit, long base, long[] shape, long[] strides) {
        return new Layout(mapping, file, fileOffset, dtype, order, unit, base, shape, strides, 1);
    }

    /**
     * Checks that {@code accessor} (such as {@code "doubles()"}, which reads {@code reads}) reads {@code type}.
     *
     * @throws ClassCastException naming what {@code what} holds and the accessor that reads it
     */
    static void checkAccessor(Descr type, String what, String accessor, String reads) {
        if (type.dtype == DType.STRUCT) {
            throw new ClassCastException(accessor + " reads " + reads + "; " + what + " holds the structured dtype "
                    + type.text() + ": read its fields with field(name)");
        }
        String natural = accessorFor(type.dtype);
        if (!natural.equals(accessor)) {
            throw new ClassCastException(accessor + " reads " + reads + "; " + what + " holds " + type.text() + " ("
                    + type.dtype + "): use " + natural);
        }
    }

    /** The accessor of {@link NpyFile} that reads {@code dtype}. */
    static String accessorFor(DType dtype) {
        switch (dtype) {
            case FLOAT64:
            case COMPLEX128:
                return "doubles()";
            case FLOAT32:
            case FLOAT16:
            case COMPLEX64:
                return "floats()";
            case INT64:
            case UINT64:
            case DATETIME64:
            case TIMEDELTA64:
                return "longs()";
            case INT32:
            case UINT32:
            case UNICODE:
                return "ints()";
            case INT16:
            case UINT16:
                return "shorts()";
            default:
                return "bytes()";
        }
    }
}
