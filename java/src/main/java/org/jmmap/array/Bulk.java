package org.jmmap.array;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;
import org.jmmap.Mapping;

/** What the typed views share for bulk copies and fills. */
final class Bulk {

    /** The longest run copied through one {@code ByteBuffer} view of the mapping. */
    static final int CHUNK_BYTES = 1 << 30;
    /** The longest Java array the JVM allocates, with a margin for its header. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private Bulk() {
    }

    /** A view of {@code [offset, offset + length)} of the mapping in {@code order}. */
    static ByteBuffer view(Mapping mapping, long offset, long length, ByteOrder order) {
        return mapping.asByteBuffer(offset, (int) length).order(order);
    }

    /** The length of a Java array holding {@code size} elements. */
    static int arrayLength(long size) {
        if (size > MAX_ARRAY) {
            throw new IllegalStateException("size=" + size + ": more elements than a Java array holds ("
                    + MAX_ARRAY + "); copy slices with copyTo(from, array, offset, length)");
        }
        return (int) size;
    }

    /** The number of elements in {@code bytes} bytes. */
    static int elements(int bytes, int itemSize) {
        if (bytes % itemSize != 0) {
            throw new IllegalArgumentException("remaining=" + bytes + " bytes is not a whole number of " + itemSize
                    + "-byte elements");
        }
        return bytes / itemSize;
    }

    /**
     * Sets every element of {@code array} as {@code write} sets the element at a mapping offset: contiguous arrays
     * get the first element written and then copied over the rest in doubling blocks ({@code memmove}), others
     * element by element.
     */
    static void fill(TypedArray array, LongConsumer write) {
        if (array.size == 0) {
            return;
        }
        if (array.isContiguous()) {
            write.accept(array.base);
            long total = array.size * array.itemSize;
            for (long filled = array.itemSize; filled < total; ) {
                long count = Math.min(filled, total - filled);
                array.mapping.copy(array.base, array.base + filled, count);
                filled += count;
            }
            return;
        }
        array.forRuns(0, array.size, (index, at, count, stride) -> {
            for (long n = 0; n < count; n++) {
                write.accept(at + n * stride);
            }
        });
    }
}
