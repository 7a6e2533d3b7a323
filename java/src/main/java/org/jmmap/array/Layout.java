package org.jmmap.array;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmmap.Mapping;

/**
 * Where a typed view's elements are: the mapping, the byte offset of element 0, the shape and the byte strides
 * (numpy's), the element type and byte order, and for locks the file and the file offset of the mapping's byte 0.
 * Immutable; the views copy its fields into their own.
 */
final class Layout {

    final Mapping mapping;
    /** The mapped file, for range locks; null for anonymous memory. */
    final Path file;
    /** The file offset of the mapping's byte 0. */
    final long fileOffset;
    final DType dtype;
    final ByteOrder order;
    /** The datetime unit, or null. */
    final String unit;
    final long base;
    final long[] shape;
    final long[] strides;
    final int parallelism;

    Layout(Mapping mapping, Path file, long fileOffset, DType dtype, ByteOrder order, String unit, long base,
           long[] shape, long[] strides, int parallelism) {
        this.mapping = mapping;
        this.file = file;
        this.fileOffset = fileOffset;
        this.dtype = dtype;
        this.order = order;
        this.unit = unit;
        this.base = base;
        this.shape = shape;
        this.strides = strides;
        this.parallelism = parallelism;
    }

    Layout with(long newBase, long[] newShape, long[] newStrides) {
        return new Layout(mapping, file, fileOffset, dtype, order, unit, newBase, newShape, newStrides, parallelism);
    }

    Layout withParallelism(int newParallelism) {
        return new Layout(mapping, file, fileOffset, dtype, order, unit, base, shape, strides, newParallelism);
    }

    /** The byte strides of a contiguous array of {@code shape} in C (row-major) or Fortran (column-major) order. */
    static long[] contiguousStrides(long[] shape, long itemSize, boolean fortranOrder) {
        long[] strides = new long[shape.length];
        long stride = itemSize;
        for (int n = 0; n < shape.length; n++) {
            int k = fortranOrder ? n : shape.length - 1 - n;
            strides[k] = stride;
            stride *= Math.max(shape[k], 1);
        }
        return strides;
    }

    /** {@code a} followed by {@code b}. */
    static long[] concat(long[] a, long[] b) {
        long[] joined = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, joined, a.length, b.length);
        return joined;
    }
}
