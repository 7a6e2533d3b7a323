package org.jmmap.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The C floor of a round trip ({@link NativeReference#pingPong}): round trips come back, timing nothing. */
class NativePingPongTest {

    @Test
    void everyKindMakesRoundTripsWithAForkedChild() {
        for (int kind : new int[] {NativeReference.PING_FUTEX, NativeReference.PING_FUTEX_TIMED,
                NativeReference.PING_PIPE}) {
            long[] latencies = new long[100_000];
            long[] cpu = {-1, -1};
            int count = NativeReference.pingPong(kind, 20_000_000L, latencies, cpu);
            assertTrue(count > 0, "kind=" + kind + " count=" + count);
            for (int i = 0; i < count; i++) {
                assertTrue(latencies[i] > 0, "kind=" + kind + " latency " + i + "=" + latencies[i]);
            }
            assertTrue(cpu[0] > 0 && cpu[1] >= 0, "kind=" + kind + " cpu=" + cpu[0] + "," + cpu[1]);
        }
    }

    @Test
    void aFullArrayEndsTheRound() {
        long[] latencies = new long[3];
        assertEquals(3, NativeReference.pingPong(NativeReference.PING_FUTEX, 60_000_000_000L, latencies,
                new long[2]));
        assertEquals(3, NativeReference.pingPong(NativeReference.PING_PIPE, 60_000_000_000L, latencies,
                new long[2]));
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalStateException.class, () -> NativeReference.pingPong(3, 1, new long[1], new long[2]));
        assertThrows(IllegalStateException.class,
                () -> NativeReference.pingPong(NativeReference.PING_PIPE, -1, new long[1], new long[2]));
        assertThrows(IllegalStateException.class,
                () -> NativeReference.pingPong(NativeReference.PING_PIPE, 1, new long[1], new long[1]));
    }
}
