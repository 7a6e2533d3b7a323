package org.jmmap.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Backend#futexWait} and {@link Backend#futexWake} on both backends: success, and each errno the kernel
 * gives for a known failure, by name.
 */
class BackendFutexTest {

    /** Never mapped: below vm.mmap_min_addr. */
    private static final long UNMAPPED = 4096;
    private static final long PAGE = 4096;

    private Backend cleanupBackend;
    private long page;

    static Stream<Named<Backend>> backends() {
        return BackendErrnoTest.backends();
    }

    private long page(Backend backend) {
        Constants c = backend.constants();
        long address = backend.mmap(0, PAGE, c.get("PROT_READ") | c.get("PROT_WRITE"),
                c.get("MAP_SHARED") | c.get("MAP_ANONYMOUS"), -1, 0);
        assertTrue(address > 0, () -> "mmap: " + backend.errno().name((int) -address));
        cleanupBackend = backend;
        page = address;
        return address;
    }

    @AfterEach
    void unmap() {
        if (page != 0) {
            cleanupBackend.munmap(page, PAGE);
        }
    }

    private static String errno(Backend backend, long result) {
        assertTrue(result < 0, "expected -errno, got " + result);
        return backend.errno().name((int) -result);
    }

    @ParameterizedTest
    @MethodSource("backends")
    void waitOnAChangedWordIsEagain(Backend backend) {
        long word = page(backend);
        assertEquals("EAGAIN", errno(backend, backend.futexWait(word, 1, -1)), "the word holds 0, not 1");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void waitRunsOutAsEtimedout(Backend backend) {
        long word = page(backend);
        assertEquals("ETIMEDOUT", errno(backend, backend.futexWait(word, 0, TimeUnit.MILLISECONDS.toNanos(20))));
        assertEquals("ETIMEDOUT", errno(backend, backend.futexWait(word, 0, 0)), "a zero timeout only checks");
    }

    @ParameterizedTest
    @MethodSource("backends")
    void misalignedWordIsEinval(Backend backend) {
        long word = page(backend);
        assertEquals("EINVAL", errno(backend, backend.futexWait(word + 2, 0, 0)));
        assertEquals("EINVAL", errno(backend, backend.futexWake(word + 1, 1)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void unmappedWordIsEfault(Backend backend) {
        assertEquals("EFAULT", errno(backend, backend.futexWait(UNMAPPED, 0, 0)));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wakeWithoutWaitersWakesNone(Backend backend) {
        assertEquals(0, backend.futexWake(page(backend), Integer.MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("backends")
    void wakeEndsAWait(Backend backend) throws Exception {
        long word = page(backend);
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> backend.futexWait(word, 0, -1));
        int woken = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (woken == 0) { // until the waiter is asleep in the kernel
            assertTrue(System.nanoTime() < deadline, "the waiter never slept");
            Thread.sleep(1);
            woken = backend.futexWake(word, 1);
        }
        assertEquals(1, woken);
        assertEquals(0, waiter.get(60, TimeUnit.SECONDS), "a woken wait returns 0");
    }
}
