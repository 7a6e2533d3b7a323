/**
 * NumPy-compatible typed arrays over mapped files: {@code .npy} files ({@link org.jmmap.array.NpyFile}),
 * {@code .npz} archives ({@link org.jmmap.array.NpzFile}), raw files of elements and anonymous memory
 * ({@link org.jmmap.array.MappedArrays}, numpy's {@code np.memmap} and {@code np.zeros}), read and written in place
 * by Java and Python processes alike, at memory speed.
 *
 * <p>An array is mapped, never loaded: a file far larger than the heap, or than memory, is read where it is
 * needed, written in place, flushed ({@link org.jmmap.array.NpyFile#flush()}), grown
 * ({@link org.jmmap.array.NpyFile#grow(long)}) and closed deterministically. The typed views
 * ({@link org.jmmap.array.DoubleArray}, {@link org.jmmap.array.FloatArray}, {@link org.jmmap.array.LongArray},
 * {@link org.jmmap.array.IntArray}, {@link org.jmmap.array.ShortArray}, {@link org.jmmap.array.ByteArray}) index with
 * {@code long}s in the file's byte order, and reduce ({@code sum}, {@code min}, {@code max}, {@code mean}, over the
 * whole array or along an axis) in native code on as many threads as asked. Byte-range locks over elements
 * ({@link org.jmmap.array.TypedArray#lock}) coordinate processes, Python's {@code fcntl.lockf} included.
 *
 * <p>The format is numpy's own ({@code numpy/lib/format.py}): headers are written byte for byte as {@code np.save}
 * writes them and read with numpy's checks ({@link org.jmmap.array.NpyHeader}), so that a file written here is a file
 * numpy wrote, and a file numpy wrote is read here as numpy reads it.
 */
package org.jmmap.array;
