/*
 * Reductions over mapped arrays: sum, sum in double, min and max of numeric elements of any byte order, laid out
 * with any strides, into an array of accumulators. The typed arrays of org.jmmap.array call it once per chunk,
 * from several threads at once if asked. Plain C: no JNI here, so the C unit tests exercise exactly this code.
 */
#ifndef JMMAP_REDUCE_H
#define JMMAP_REDUCE_H

#include <stdint.h>

/* Element types; the numbers are Backend.ELEMENT_* in Java (checked at compile time in jmmap_reduce_jni.c). */
enum jmmap_element {
    JMMAP_ELEMENT_BOOL = 0,
    JMMAP_ELEMENT_INT8 = 1,
    JMMAP_ELEMENT_UINT8 = 2,
    JMMAP_ELEMENT_INT16 = 3,
    JMMAP_ELEMENT_UINT16 = 4,
    JMMAP_ELEMENT_INT32 = 5,
    JMMAP_ELEMENT_UINT32 = 6,
    JMMAP_ELEMENT_INT64 = 7,
    JMMAP_ELEMENT_UINT64 = 8,
    JMMAP_ELEMENT_FLOAT16 = 9,
    JMMAP_ELEMENT_FLOAT32 = 10,
    JMMAP_ELEMENT_FLOAT64 = 11,
    JMMAP_ELEMENT_COUNT
};

/*
 * Reductions; the numbers are Backend.REDUCE_* in Java. The accumulators are 8 bytes each, in this machine's byte
 * order: doubles for the floating-point elements and for JMMAP_REDUCE_SUM_DOUBLE; otherwise int64 (sums wrap
 * around as numpy's int64 and uint64 sums do, min and max compare signed) or, for min and max of unsigned
 * elements, uint64. Floating-point min and max propagate NaN as numpy does: once an accumulator has seen a NaN it
 * stays NaN. A bool counts as 0 or 1.
 */
/* The width of the rows of a whole-array reduction: independent accumulators, so that the additions overlap. */
#define JMMAP_REDUCE_LANES 16

enum jmmap_reduction {
    JMMAP_REDUCE_SUM = 0,
    JMMAP_REDUCE_SUM_DOUBLE = 1,
    JMMAP_REDUCE_MIN = 2,
    JMMAP_REDUCE_MAX = 3,
    JMMAP_REDUCE_COUNT
};

/*
 * For every row k in [0, count) and column j in [0, width): accumulators[j] = op(accumulators[j], x(k, j)), where
 * x(k, j) is the element at data + k * stride + j * element_stride, byte-swapped when `swapped` is non-zero. Rows
 * are processed in tiles of columns so that the accumulators in use stay in the first-level cache however wide
 * the rows are; a whole-array reduction uses one row of JMMAP_REDUCE_LANES columns per LANES elements, which
 * gives it that many independent accumulators. Strides are in bytes,
 * non-negative. Runs under the SIGBUS guard: returns 0, -EFAULT if a page of data is no longer backed by its
 * file (the accumulators then hold a partial result), or -EINVAL for an unknown element or reduction or a
 * negative count, width or stride.
 */
int jmmap_reduce(const void *data, int element, int swapped, int reduction, int64_t count, int64_t stride,
                 int64_t width, int64_t element_stride, void *accumulators);

#endif
