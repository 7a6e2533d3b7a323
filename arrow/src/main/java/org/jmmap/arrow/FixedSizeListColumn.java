package org.jmmap.arrow;

import org.jmmap.array.MappedArrays;
import org.jmmap.array.TypedArray;

/**
 * A column of lists of exactly {@link #listSize()} items: {@link ArrowType.FixedSizeList}, which is also the
 * storage of the {@code arrow.fixed_shape_tensor} extension. Row {@code i} is rows
 * {@code [i * listSize, (i + 1) * listSize)} of the child column {@link #values()}. When the items are fixed-width
 * numbers, {@link #array()} is all of them as one N-d array in place: {@code (rows, listSize)}, or
 * {@code (rows, ...)} of the tensor's logical shape (its permutation applied through the strides, as pyarrow's
 * {@code to_numpy_ndarray()}).
 */
public final class FixedSizeListColumn extends ArrowColumn {

    private final int listSize;
    private final ArrowColumn values;

    /**
     * A new column, typed as {@link ArrowColumn}: {@link BatchLoader} creates columns through these factories so
     * that verifying it does not load the class of every kind of column.
     */
    static ArrowColumn of(ArrowField field, long length, long nullCount, Bitmap validity, ArrowColumn values) {
        return new FixedSizeListColumn(field, length, nullCount, validity, values);
    }

    FixedSizeListColumn(ArrowField field, long length, long nullCount, Bitmap validity, ArrowColumn values) {
        super(field, length, nullCount, validity);
        this.listSize = ((ArrowType.FixedSizeList) field.type()).listSize();
        this.values = values;
    }

    /** The items in each row. */
    public int listSize() {
        return listSize;
    }

    /** The child column: every row's items, one after the other. */
    public ArrowColumn values() {
        return values;
    }

    /**
     * The items of row {@code row}: a slice of {@link #values()}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= row < length()}
     */
    public ArrowColumn get(long row) {
        checkRow(row);
        return values.slice(row * listSize, (row + 1) * listSize);
    }

    /**
     * Every row's items as one N-d array in place: {@code (rows, listSize, ...)} (nested fixed-size lists add
     * their axes), or {@code (rows, ...)} of the logical shape for a tensor field.
     *
     * @throws UnsupportedOperationException if the items are not fixed-width numbers
     */
    @Override
    public TypedArray array() {
        String descr = values.leafDescr();
        if (descr == null) {
            throw new UnsupportedOperationException("column '" + field.name() + "' is " + field + ": its items are "
                    + "not fixed-width numbers, read them through values()");
        }
        TypedArray items = values.array();
        long itemSize = items.itemSize();
        long[] itemShape = items.shape(); // (length * listSize, ...inner)
        FixedShapeTensor tensor = field.tensor().orElse(null);
        long[] shape;
        long[] strides;
        if (tensor != null && itemShape.length == 1) {
            long[] physical = tensor.shape();
            long[] physicalStrides = new long[physical.length];
            long stride = itemSize;
            for (int k = physical.length - 1; k >= 0; k--) {
                physicalStrides[k] = stride;
                stride *= Math.max(physical[k], 1);
            }
            int[] permutation = tensor.permutation().orElse(null);
            shape = new long[physical.length + 1];
            strides = new long[physical.length + 1];
            shape[0] = length;
            strides[0] = listSize * itemSize;
            for (int k = 0; k < physical.length; k++) {
                int axis = permutation == null ? k : permutation[k];
                shape[k + 1] = physical[axis];
                strides[k + 1] = physicalStrides[axis];
            }
        } else {
            shape = new long[itemShape.length + 1];
            shape[0] = length;
            shape[1] = listSize;
            System.arraycopy(itemShape, 1, shape, 2, itemShape.length - 1);
            long[] itemStrides = items.strides();
            strides = new long[shape.length];
            strides[0] = listSize * itemStrides[0];
            strides[1] = itemStrides[0];
            System.arraycopy(itemStrides, 1, strides, 2, itemStrides.length - 1);
        }
        return MappedArrays.view(items.mapping(), items.offset(), descr, shape, strides);
    }

    @Override
    String leafDescr() {
        return values.leafDescr();
    }

    @Override
    public FixedSizeListColumn slice(long from, long to) {
        Bitmap sliced = slicedValidity(from, to);
        return new FixedSizeListColumn(field, to - from, slicedNullCount(from, to), sliced,
                values.slice(from * listSize, to * listSize));
    }
}
