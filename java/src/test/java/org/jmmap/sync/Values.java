package org.jmmap.sync;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Self-checking values for the SharedValue tests: {@code [long sequence][bytes from the sequence][int CRC32 of
 * all before]}, of varying length, so that a torn read (a mixture of two values, or a wrong length) fails the check.
 */
final class Values {

    static final int MIN_LENGTH = 12;

    private Values() {
    }

    /** Value number {@code sequence}, of a length between MIN_LENGTH and {@code capacity} chosen by {@code random}. */
    static byte[] make(long sequence, int capacity, SplittableRandom random) {
        int length = MIN_LENGTH + random.nextInt(capacity - MIN_LENGTH + 1);
        ByteBuffer value = ByteBuffer.allocate(length);
        value.putLong(sequence);
        byte b = (byte) (sequence * 31 + length);
        while (value.position() < length - 4) {
            value.put(b++);
        }
        CRC32 crc = new CRC32();
        crc.update(value.array(), 0, length - 4);
        value.putInt((int) crc.getValue());
        return value.array();
    }

    /** The sequence number of a valid value; -1 if it is torn or not a value. */
    static long check(byte[] value, int offset, int length) {
        if (length < MIN_LENGTH) {
            return -1;
        }
        CRC32 crc = new CRC32();
        crc.update(value, offset, length - 4);
        ByteBuffer buffer = ByteBuffer.wrap(value, offset, length);
        if (buffer.getInt(offset + length - 4) != (int) crc.getValue()) {
            return -1;
        }
        return buffer.getLong(offset);
    }

    static long check(byte[] value) {
        return check(value, 0, value.length);
    }
}
