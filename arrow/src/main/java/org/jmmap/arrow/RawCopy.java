package org.jmmap.arrow;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.jmmap.array.ByteArray;
import org.jmmap.array.IntArray;
import org.jmmap.array.LongArray;
import org.jmmap.array.MappedArrays;
import org.jmmap.array.ShortArray;
import org.jmmap.array.TypedArray;

/**
 * The bytes of a typed array's elements in C order and little-endian, copied from its mapping straight into a
 * buffer (a view of another mapping, or a direct buffer on its way to a channel): never through the heap. The
 * elements are seen as unsigned integers of their width, so that any type (half floats, datetimes) moves
 * bit for bit; contiguous runs go as one {@code memcpy}, strided and byte-swapped ones element by element.
 */
final class RawCopy {

    private final TypedArray raw;
    private final int width;

    /** A copier of {@code source}'s elements. */
    RawCopy(TypedArray source) {
        this.width = source.itemSize();
        String descr = width == 1 ? "|u1"
                : (source.order() == ByteOrder.LITTLE_ENDIAN ? "<u" : ">u") + width;
        this.raw = MappedArrays.view(source.mapping(), source.offset(), descr, source.shape(), source.strides());
    }

    /** The bytes of one element. */
    int width() {
        return width;
    }

    /** The bytes of every element. */
    long byteLength() {
        return raw.size() * width;
    }

    /**
     * Fills {@code into}'s remaining bytes (a multiple of the width) with the elements from byte {@code from} of
     * their little-endian C-order sequence, and advances its position.
     */
    void copy(long from, ByteBuffer into) {
        ByteBuffer target = into.order(ByteOrder.LITTLE_ENDIAN);
        long element = from / width;
        if (raw instanceof LongArray) {
            ((LongArray) raw).copyTo(element, target);
        } else if (raw instanceof IntArray) {
            ((IntArray) raw).copyTo(element, target);
        } else if (raw instanceof ShortArray) {
            ((ShortArray) raw).copyTo(element, target);
        } else {
            ((ByteArray) raw).copyTo(element, target);
        }
    }
}
