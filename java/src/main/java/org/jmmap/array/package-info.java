/**
 * NumPy-compatible typed arrays over mapped files: {@code .npy} files ({@link org.jmmap.array.NpyFile}) and
 * {@code .npz} archives ({@link org.jmmap.array.NpzFile}) read and written in place, at memory speed, by Java and
 * Python processes alike, and raw files of elements ({@link org.jmmap.array.MappedArrays}, numpy's
 * {@code np.memmap}).
 *
 * <p>An array is mapped, never loaded: a file far larger than the heap (or than memory) is read where it is needed,
 * written in place, flushed with {@link org.jmmap.array.NpyFile#flush()}, and closed deterministically. The typed
 * views ({@link org.jmmap.array.DoubleArray}, {@link org.jmmap.array.FloatArray}, {@link org.jmmap.array.LongArray},
 * {@link org.jmmap.array.IntArray}, {@link org.jmmap.array.ShortArray}, {@link org.jmmap.array.ByteArray}) index
 * with {@code long}s, in the file's byte order, and reduce ({@code sum}, {@code min}, {@code max}, {@code mean}, over
 * the whole array or along an axis) in native code, on one thread or several.
 *
 * <p>The format is numpy's own ({@code numpy/lib/format.py}): headers are written byte for byte as {@code np.save}
 * writes them, and read with numpy's checks, so that a file written here is a file numpy wrote.
 */
package org.jmmap.array;
