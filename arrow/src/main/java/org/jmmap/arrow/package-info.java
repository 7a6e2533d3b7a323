/**
 * Apache Arrow IPC files mapped into memory and read and written in place: {@link org.jmmap.arrow.ArrowIpcFile}
 * maps a file and gives its record batches' columns as views of the mapped buffers (fixed-width columns as jmmap's
 * typed arrays, N-d tensor columns as N-d arrays), {@link org.jmmap.arrow.ArrowIpcWriter} writes the file and stream
 * formats from typed arrays, {@code .npy} files and Java arrays, and {@link org.jmmap.arrow.ArrowNpy} converts
 * between {@code .npy} and Arrow files without going through the heap.
 *
 * <p>The metadata is read and written with Arrow's own generated flatbuffer classes ({@code arrow-format}); nothing
 * of Arrow Java's runtime ({@code arrow-vector}, {@code arrow-memory}) is needed. The files are those pyarrow,
 * Polars, DuckDB and Spark exchange: what jmmap writes, they read without copying, and the other way round.
 */
package org.jmmap.arrow;
