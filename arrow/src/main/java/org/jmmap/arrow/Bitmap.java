package org.jmmap.arrow;

import java.util.Objects;
import org.jmmap.Mapping;

/**
 * Bits packed eight to a byte, least significant bit first, in place in a mapping: an Arrow validity bitmap (bit
 * {@code i} set: row {@code i} holds a value) or the values of a {@link ArrowType.Bool} column. Immutable; valid
 * while the mapping is open ({@link IllegalStateException} afterwards).
 */
public final class Bitmap {

    private final Mapping mapping;
    /** The mapping offset of the byte holding bit 0 of the underlying buffer. */
    private final long byteOffset;
    /** The bit of that buffer that is this bitmap's bit 0. */
    private final long bitOffset;
    private final long length;

    Bitmap(Mapping mapping, long byteOffset, long bitOffset, long length) {
        this.mapping = mapping;
        this.byteOffset = byteOffset;
        this.bitOffset = bitOffset;
        this.length = length;
    }

    /** The number of bits. */
    public long length() {
        return length;
    }

    /**
     * Bit {@code index}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < length()}
     */
    public boolean get(long index) {
        Objects.checkIndex(index, length);
        long bit = bitOffset + index;
        return (mapping.getByte(byteOffset + (bit >>> 3)) >> (bit & 7) & 1) != 0;
    }

    /** The number of bits set: Arrow's valid values, or true values. */
    public long countSet() {
        long count = 0;
        long bit = bitOffset;
        long end = bitOffset + length;
        while (bit < end && (bit & 63) != 0) { // to a word boundary of the buffer
            count += mapping.getByte(byteOffset + (bit >>> 3)) >> (bit & 7) & 1;
            bit++;
        }
        for (; end - bit >= 64; bit += 64) {
            count += Long.bitCount(mapping.getLong(byteOffset + (bit >>> 3), java.nio.ByteOrder.LITTLE_ENDIAN));
        }
        for (; bit < end; bit++) {
            count += mapping.getByte(byteOffset + (bit >>> 3)) >> (bit & 7) & 1;
        }
        return count;
    }

    /**
     * Bits {@code [from, to)} as a bitmap of their own, in the same memory.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= from <= to <= length()}
     */
    public Bitmap slice(long from, long to) {
        Objects.checkFromToIndex(from, to, length);
        return new Bitmap(mapping, byteOffset, bitOffset + from, to - from);
    }

    /** The bits as a string of 0 and 1, bit 0 first (at most the first 64, then "..."). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Bitmap[");
        for (long i = 0; i < Math.min(length, 64); i++) {
            out.append(get(i) ? '1' : '0');
        }
        return out.append(length > 64 ? "...]" : "]").toString();
    }
}
