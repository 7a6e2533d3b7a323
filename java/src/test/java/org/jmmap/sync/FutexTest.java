package org.jmmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Futex} on file mappings, anonymous memory and tmpfs shared memory, within a process and across processes. */
class FutexTest {

    @TempDir
    static Path directory;

    /** The kinds of memory a futex word can live in. */
    static Stream<String> kinds() {
        return Stream.of("file", "shm", "anonymous");
    }

    private static Mapping memory(String kind) throws IOException {
        switch (kind) {
            case "file":
                return SyncFiles.file(directory, 4096);
            case "shm":
                return SyncFiles.shm(4096);
            default:
                return Mapping.anonymous(4096);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void awaitTimesOutWhileTheWordHoldsTheValue(String kind) throws IOException {
        try (Mapping m = memory(kind)) {
            m.putIntVolatile(8, 7);
            assertFalse(Futex.await(m, 8, 7, Duration.ofMillis(20)));
            assertFalse(Futex.await(m, 8, 7, Duration.ZERO), "zero checks without sleeping");
            assertFalse(Futex.await(m, 8, 7, Duration.ofMillis(-5)), "negative is zero");
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void awaitReturnsAtOnceWhenTheWordDiffers(String kind) throws IOException {
        try (Mapping m = memory(kind)) {
            m.putIntVolatile(8, 7);
            assertTrue(Futex.await(m, 8, 6, Duration.ofDays(365)), "EAGAIN is not a timeout");
            Futex.await(m, 8, 6); // the untimed form returns too
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void wakeEndsAnAwait(String kind) throws Exception {
        try (Mapping m = memory(kind)) {
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                while (m.getIntVolatile(0) == 0) {
                    if (!Futex.await(m, 0, 0, Duration.ofSeconds(60))) {
                        return false;
                    }
                }
                return true;
            });
            wakeOnceAsleep(m, 0);
            assertTrue(waiter.get(60, TimeUnit.SECONDS));
            assertEquals(0, Futex.wake(m, 0, Integer.MAX_VALUE), "nobody is left asleep");
        }
    }

    /** Wakes until the sleeper was there to be woken, then changes the word so that it stays awake. */
    private static void wakeOnceAsleep(Mapping m, long offset) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Futex.wake(m, offset, 1) == 0) {
            assertTrue(System.nanoTime() < deadline, "the waiter never slept");
            Thread.sleep(1);
        }
        m.putIntVolatile(offset, 1);
        Futex.wake(m, offset, Integer.MAX_VALUE);
    }

    @Test
    void wakeCountsAndWakesAtMostCount() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            int sleepers = 3;
            CompletableFuture<?>[] waiters = new CompletableFuture<?>[sleepers];
            for (int i = 0; i < sleepers; i++) {
                waiters[i] = CompletableFuture.runAsync(() -> {
                    while (m.getIntVolatile(4) == 0) {
                        Futex.await(m, 4, 0, Duration.ofSeconds(60));
                    }
                }, runnable -> new Thread(runnable).start());
            }
            int woken = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (woken < sleepers) { // one at a time: never more than asked for
                int now = Futex.wake(m, 4, 1);
                assertTrue(now <= 1, "woke " + now + " with count 1");
                woken += now;
                assertTrue(System.nanoTime() < deadline);
                Thread.sleep(1);
            }
            m.putIntVolatile(4, 1);
            Futex.wake(m, 4, Integer.MAX_VALUE);
            CompletableFuture.allOf(waiters).get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheKernel() throws IOException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                    () -> Futex.await(m, 2, 0, Duration.ZERO));
            assertTrue(misaligned.getMessage().contains("offset=2"), misaligned.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Futex.wake(m, 6, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.await(m, 4096, 0, Duration.ZERO));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.await(m, 4094, 0, Duration.ZERO));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.wake(m, -4, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> Futex.wake(m, Long.MIN_VALUE, 1));
            IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> Futex.wake(m, 0, 0));
            assertTrue(count.getMessage().contains("count=0"), count.getMessage());
            assertThrows(NullPointerException.class, () -> Futex.await(m, 0, 0, null));
            assertThrows(NullPointerException.class, () -> Futex.await(null, 0, 0, Duration.ZERO));
            assertFalse(Futex.await(m, 4092, 0, Duration.ZERO), "the last word of the mapping is fine");
        }
    }

    @Test
    void misalignmentIsAboutTheAddressNotTheOffset() throws IOException {
        // A mapping that starts 2 bytes into a page: offset 2 is the aligned word.
        Path file = Files.createTempFile(directory, "unaligned", ".bin");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 2, 64)) {
            assertFalse(Futex.await(m, 2, 0, Duration.ZERO));
            assertThrows(IllegalArgumentException.class, () -> Futex.await(m, 0, 0, Duration.ZERO));
        }
    }

    @Test
    void closedMappingIsIllegalState() throws IOException {
        Mapping m = SyncFiles.file(directory, 4096);
        m.close();
        assertThrows(IllegalStateException.class, () -> Futex.await(m, 0, 0, Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> Futex.wake(m, 0, 1));
    }

    @Test
    void readOnlyMappingsCanWaitAndWake() throws Exception {
        try (Mapping writer = SyncFiles.file(directory, 4096);
             Mapping reader = Mapping.map(writer.file().orElseThrow(), MapMode.READ_ONLY)) {
            CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
                while (reader.getIntVolatile(0) == 0) {
                    Futex.await(reader, 0, 0, Duration.ofSeconds(60));
                }
                return true;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (Futex.wake(writer, 0, 1) == 0) { // the other mapping's address: the kernel keys on the page
                assertTrue(System.nanoTime() < deadline, "the waiter never slept");
                Thread.sleep(1);
            }
            writer.putIntVolatile(0, 1);
            Futex.wake(writer, 0, Integer.MAX_VALUE);
            assertTrue(waiter.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void truncatedFilePageIsEfault() throws IOException {
        Path file = Files.createTempFile(directory, "truncated", ".bin");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 8192)) {
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(100);
            }
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                    () -> Futex.await(m, 4096, 0, Duration.ZERO));
            assertEquals("EFAULT", ((org.jmmap.ErrnoException) e.getCause()).errnoName());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Across processes: a child JVM sleeps on word 0 and answers on word 4; this JVM wakes it and waits for it.

    @Test
    void processesWakeEachOther() throws Exception {
        Path file = Files.createTempFile(directory, "pingpong", ".bin");
        Path output = Files.createTempFile(directory, "child", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            Process child = ChildJvm.of(PingPongChild.class, file.toString(), "100").start(output);
            try {
                for (int round = 1; round <= 100; round++) {
                    m.putIntVolatile(0, round);
                    Futex.wake(m, 0, 1);
                    while (m.getIntVolatile(4) != round) {
                        int seen = m.getIntVolatile(4);
                        if (seen != round && !Futex.await(m, 4, seen, Duration.ofSeconds(1))) {
                            assertTrue(child.isAlive(), () -> "child exited: " + SyncFiles.read(output));
                        }
                    }
                }
                SyncFiles.assertExitsCleanly(child, output);
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /** Args: the file and the number of rounds; answers each round written to word 0 on word 4. */
    public static final class PingPongChild {
        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[1]);
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                for (int round = 1; round <= rounds; round++) {
                    while (m.getIntVolatile(0) != round) {
                        int seen = m.getIntVolatile(0);
                        if (seen != round && !Futex.await(m, 0, seen, Duration.ofSeconds(120))) {
                            System.err.println("no ping for round " + round);
                            System.exit(3);
                        }
                    }
                    m.putIntVolatile(4, round);
                    Futex.wake(m, 4, 1);
                }
            }
        }
    }
}
