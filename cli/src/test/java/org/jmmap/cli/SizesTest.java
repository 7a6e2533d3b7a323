package org.jmmap.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SizesTest {

    @Test
    void parsesNumbersWithBinaryUnits() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(4096, Sizes.parse("4096B"));
        assertEquals(64 << 10, Sizes.parse("64K"));
        assertEquals(64 << 10, Sizes.parse("64kib"));
        assertEquals(64 << 10, Sizes.parse("64 KB"));
        assertEquals(1 << 20, Sizes.parse("1M"));
        assertEquals(2L << 30, Sizes.parse("2GiB"));
        assertEquals(3L << 40, Sizes.parse("3t"));
        assertEquals(0, Sizes.parse("0"));
    }

    @Test
    void refusesWhatIsNotASize() {
        for (String bad : new String[] {"", "-1", "1.5M", "12Q", "K", "1 M B", "0x10"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("9223372036854775808"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.parse("8388608T"));
        assertEquals(8388607L << 40, Sizes.parse("8388607T"));
    }

    @Test
    void printsTheLargestUnitAtLeastOne() {
        assertEquals("0 B", Sizes.human(0));
        assertEquals("1023 B", Sizes.human(1023));
        assertEquals("1.0 KiB", Sizes.human(1024));
        assertEquals("1.5 MiB", Sizes.human(3 << 19));
        assertEquals("9.5 MiB", Sizes.human(10_000_000));
        assertEquals("8.0 EiB", Sizes.human(Long.MAX_VALUE));
        assertEquals("2.0 GiB/s", Sizes.rate(2.0 * (1 << 30)));
    }
}
