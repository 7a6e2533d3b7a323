package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The text tables libjmmap.so hands over (constants and errno names), parsed as the JNI backend does. */
class NativeTablesTest {

    @Test
    void constantsParseEveryLine() {
        Constants constants = Constants.parse("MAP_SHARED=1\nMAP_PRIVATE=2\n\nMAP_HUGE_1GB=2013265920\nNEGATIVE=-1\n"
                + "PAGE_SIZE=4096");
        assertEquals(1, constants.get("MAP_SHARED"));
        assertEquals(2013265920, constants.get("MAP_HUGE_1GB"));
        assertEquals(-1, constants.get("NEGATIVE"));
        assertEquals(4096, constants.pageSize());
        assertEquals(OptionalInt.empty(), constants.find("MAP_NONE"));
        assertEquals(List.of("MAP_HUGE_1GB", "MAP_PRIVATE", "MAP_SHARED", "NEGATIVE", "PAGE_SIZE"),
                List.copyOf(constants.asMap().keySet()), "sorted by name");
        assertThrows(IllegalStateException.class, () -> constants.get("MAP_NONE"));
        assertThrows(UnsupportedOperationException.class, () -> constants.asMap().put("X", 1L));
    }

    @Test
    void errnoTableKeepsTheFirstNamePerNumber() {
        Errno errno = Errno.parse("11\tEAGAIN\tResource temporarily unavailable\n"
                + "11\tEWOULDBLOCK\tResource temporarily unavailable\n\n22\tEINVAL\tInvalid argument");
        assertEquals("EAGAIN", errno.name(11));
        assertEquals("EINVAL", errno.name(22));
        assertEquals("Invalid argument", errno.description(22));
        assertEquals(OptionalInt.of(11), errno.number("EWOULDBLOCK"));
        assertEquals(Map.of("EAGAIN", 11, "EWOULDBLOCK", 11, "EINVAL", 22), errno.asMap());
        assertEquals("errno999", errno.name(999));
    }

    /** The JNI backend's tables as libjmmap.so builds them: every errno of the platform has a name and text. */
    @Test
    void jniTablesAreComplete() {
        Backend backend = Backends.get();
        assertTrue(backend.constants().pageSize() >= 4096, "PAGE_SIZE=" + backend.constants().pageSize());
        assertEquals(OptionalInt.of(Errors.ENOMEM), backend.errno().number("ENOMEM"));
        assertEquals("ENOENT", backend.errno().name(Errors.ENOENT));
        assertTrue(backend.errno().asMap().size() > 50, "errno names: " + backend.errno().asMap().size());
        backend.errno().asMap().forEach((name, number) -> {
            assertEquals(OptionalInt.of(number), backend.errno().number(backend.errno().name(number)), name);
            assertTrue(!backend.errno().description(number).isEmpty(), name);
        });
    }
}
