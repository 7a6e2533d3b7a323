package org.jmmap.gzip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** {@link Crc32Combine} against {@link CRC32} of the whole. */
class Crc32CombineTest {

    private static int crc(byte[] bytes, int from, int to) {
        CRC32 crc = new CRC32();
        crc.update(bytes, from, to - from);
        return (int) crc.getValue();
    }

    @Test
    void combiningTheCrcsOfTwoPartsGivesTheCrcOfTheWholeAtEverySplit() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            byte[] bytes = new byte[random.nextInt(5000)];
            random.nextBytes(bytes);
            int split = bytes.length == 0 ? 0 : random.nextInt(bytes.length + 1);
            int combined = Crc32Combine.combine(crc(bytes, 0, split), crc(bytes, split, bytes.length),
                    bytes.length - split);
            assertEquals(crc(bytes, 0, bytes.length), combined, "length=" + bytes.length + ", split=" + split);
        }
    }

    @Test
    void manyPartsCombineInOrder() {
        Random random = new Random(12);
        byte[] bytes = new byte[1 << 20];
        random.nextBytes(bytes);
        int combined = 0;
        int from = 0;
        while (from < bytes.length) {
            int to = Math.min(bytes.length, from + random.nextInt(70_000));
            combined = Crc32Combine.combine(combined, crc(bytes, from, to), to - from);
            from = to;
        }
        assertEquals(crc(bytes, 0, bytes.length), combined);
    }

    @Test
    void emptyPartsChangeNothing() {
        byte[] bytes = {1, 2, 3};
        int crc = crc(bytes, 0, 3);
        assertEquals(crc, Crc32Combine.combine(crc, 0, 0));
        assertEquals(crc, Crc32Combine.combine(0, crc, 3));
    }

    @Test
    void lengthsBeyondFourGibibytes() {
        // 5 GiB + 7 of zeros after "abc": the length's high bits and the table's wrap-around are used.
        long zeros = (5L << 30) + 7;
        ByteBuffer chunk = ByteBuffer.allocateDirect(64 << 20);
        CRC32 whole = new CRC32();
        whole.update(new byte[] {'a', 'b', 'c'});
        CRC32 tail = new CRC32();
        for (long left = zeros; left > 0; left -= chunk.capacity()) {
            int count = (int) Math.min(chunk.capacity(), left);
            whole.update(chunk.clear().limit(count));
            tail.update(chunk.clear().limit(count));
        }
        int combined = Crc32Combine.combine(crc(new byte[] {'a', 'b', 'c'}, 0, 3), (int) tail.getValue(), zeros);
        assertEquals((int) whole.getValue(), combined);
    }

    @Test
    void aNegativeLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Crc32Combine.combine(0, 0, -1));
        assertEquals("lengthB=-1: must be >= 0", e.getMessage());
    }
}
