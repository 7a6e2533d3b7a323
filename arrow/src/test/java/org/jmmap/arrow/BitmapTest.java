package org.jmmap.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.SplittableRandom;
import org.jmmap.Mapping;
import org.junit.jupiter.api.Test;

/** {@link Bitmap}: bits least significant first, at any bit offset, counted a word at a time. */
class BitmapTest {

    @Test
    void everySliceAgreesWithTheBits() throws IOException {
        int bits = 1000;
        boolean[] expected = new boolean[bits];
        SplittableRandom random = new SplittableRandom(7);
        try (Mapping m = Mapping.anonymous(4096)) {
            for (int i = 0; i < bits; i++) {
                expected[i] = random.nextInt(3) != 0;
                if (expected[i]) {
                    m.putByte(64 + i / 8, (byte) (m.getByte(64 + i / 8) | 1 << (i % 8)));
                }
            }
            Bitmap bitmap = new Bitmap(m, 64, 0, bits);
            for (int from : new int[] {0, 1, 7, 8, 63, 64, 65, 200}) {
                for (int to : new int[] {from, from + 1, from + 63, from + 64, from + 129, bits}) {
                    if (to > bits) {
                        continue;
                    }
                    Bitmap slice = bitmap.slice(from, to);
                    int count = 0;
                    for (int i = from; i < to; i++) {
                        assertEquals(expected[i], slice.get(i - from));
                        count += expected[i] ? 1 : 0;
                    }
                    assertEquals(count, slice.countSet(), from + ".." + to);
                }
            }
            assertThrows(IndexOutOfBoundsException.class, () -> bitmap.get(bits));
            assertThrows(IndexOutOfBoundsException.class, () -> bitmap.slice(10, 5));
            assertEquals("Bitmap[" + (expected[5] ? 1 : 0) + (expected[6] ? 1 : 0) + "]", bitmap.slice(5, 7).toString());
        }
    }
}
