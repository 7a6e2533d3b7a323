package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JNA backend's hand-typed tables against the values libjmmap.so read from the C headers. A wrong value here
 * would make the JNA backend pass wrong flags to the kernel (JNA's own {@code Mman} swaps MS_SYNC and MS_INVALIDATE).
 */
class JnaBackendTest {

    /** These tests concern the default (JNI) backend and the choice of backend; they do not apply under -Djmmap.backend. */
    @BeforeAll
    static void defaultBackendOnly() {
        assumeFalse(System.getProperty(Backends.BACKEND_PROPERTY) != null, "backend forced");
    }

    private final Backend jni = Backends.get();
    private final Backend jna = JnaBackend.create();

    /** This suite runs on the default backend: the comparison needs the JNI one. */
    @Test
    void defaultBackendIsJni() {
        assertEquals("jni", jni.name());
        assertEquals("jna", jna.name());
    }

    /** Every constant has the same value in both backends, and neither has a name the other lacks. */
    @Test
    void constantTablesAgree() {
        Map<String, Long> fromHeaders = jni.constants().asMap();
        Map<String, Long> fromTable = jna.constants().asMap();
        Map<String, String> differences = new TreeMap<>();
        for (String name : fromHeaders.keySet()) {
            if (!fromHeaders.get(name).equals(fromTable.get(name))) {
                differences.put(name, "headers=" + fromHeaders.get(name) + " jna=" + fromTable.get(name));
            }
        }
        for (String name : fromTable.keySet()) {
            if (!fromHeaders.containsKey(name)) {
                differences.put(name, "headers=absent jna=" + fromTable.get(name));
            }
        }
        assertEquals(Map.of(), differences);
        assertTrue(fromHeaders.size() > 50, "the table covers the mmap family: " + fromHeaders.size());
        assertEquals(4, jna.constants().get("MS_SYNC"));
        assertEquals(2, jna.constants().get("MS_INVALIDATE"));
    }

    /** errno names map to the same numbers and descriptions in both backends. */
    @Test
    void errnoTablesAgree() {
        Map<String, Integer> fromHeaders = jni.errno().asMap();
        assertEquals(fromHeaders, jna.errno().asMap());
        for (int number : fromHeaders.values()) {
            assertEquals(jni.errno().name(number), jna.errno().name(number));
            assertEquals(jni.errno().description(number), jna.errno().description(number));
        }
        int eagain = fromHeaders.get("EAGAIN");
        assertEquals(eagain, (int) fromHeaders.get("EWOULDBLOCK"));
        assertEquals("EAGAIN", jni.errno().name(eagain), "a number reports its canonical name");
        assertEquals("errno9999", jni.errno().name(9999));
    }
}
