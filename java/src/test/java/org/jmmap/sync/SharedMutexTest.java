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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jmmap.MapMode;
import org.jmmap.Mapping;
import org.jmmap.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SharedMutex}: exclusion and ordering in threads and processes, ownership errors, dead holders. */
class SharedMutexTest {

    private static final long MUTEX = 0;
    /** Two counters the critical sections keep equal with plain reads and writes. */
    private static final long FIRST = 64;
    private static final long SECOND = 128;
    /** Set by a holder child once it holds the mutex. */
    private static final long HELD = 256;
    /** Children add 1 when ready; this JVM sets GO to release them all at once, for real contention. */
    private static final long READY = 320;
    private static final long GO = 384;

    @TempDir
    static Path directory;

    @Test
    void zeroedMemoryIsUnlockedAndLockUnlockWorks() throws IOException, InterruptedException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertFalse(mutex.isLocked());
            mutex.lock();
            assertTrue(mutex.isLocked());
            assertTrue(mutex.isHeldByCurrentThread());
            assertFalse(mutex.previousOwnerDied());
            assertEquals(Owners.PID, m.getIntVolatile(MUTEX), "state: our pid, no waiters");
            mutex.unlock();
            assertFalse(mutex.isLocked());
            assertFalse(mutex.isHeldByCurrentThread());
            assertTrue(mutex.tryLock());
            mutex.unlock();
            assertTrue(mutex.tryLock(Duration.ofSeconds(1)));
            mutex.unlock();
            assertEquals(0, m.getIntVolatile(MUTEX), "state");
            assertEquals(0, m.getLongVolatile(MUTEX + 8), "owner record");
            assertEquals(0, m.getLongVolatile(MUTEX + 16), "owner thread");
        }
    }

    @Test
    void twoObjectsForTheSameMemoryAreOneMutex() throws Exception {
        try (Mapping m = SyncFiles.shm(4096)) {
            SharedMutex first = SharedMutex.at(m, MUTEX);
            SharedMutex second = SharedMutex.at(m, MUTEX);
            first.lock();
            assertFalse(CompletableFuture.supplyAsync(second::tryLock).get(60, TimeUnit.SECONDS));
            assertFalse(CompletableFuture.supplyAsync(() -> tryLockUnchecked(second, Duration.ofMillis(150)))
                    .get(60, TimeUnit.SECONDS), "a timed tryLock runs out while it is held");
            first.unlock();
            assertTrue(CompletableFuture.supplyAsync(() -> {
                boolean locked = second.tryLock();
                second.unlock();
                return locked;
            }).get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void unlockByANonHolderIsIllegalMonitorState() throws Exception {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertThrows(IllegalMonitorStateException.class, mutex::unlock, "not locked at all");
            mutex.lock();
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try {
                    mutex.unlock();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            assertTrue(other.get(60, TimeUnit.SECONDS) instanceof IllegalMonitorStateException);
            assertTrue(mutex.isHeldByCurrentThread(), "still held after the refused unlock");
            mutex.unlock();
            assertThrows(IllegalMonitorStateException.class, mutex::unlock, "unlocked twice");
        }
    }

    @Test
    void notReentrant() throws IOException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            mutex.lock();
            assertThrows(IllegalStateException.class, mutex::lock);
            assertThrows(IllegalStateException.class, mutex::tryLock);
            assertThrows(IllegalStateException.class, () -> mutex.tryLock(Duration.ofSeconds(1)));
            mutex.unlock();
        }
    }

    @Test
    void placementIsChecked() throws IOException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                    () -> SharedMutex.at(m, 4));
            assertTrue(misaligned.getMessage().contains("offset=4"), misaligned.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> SharedMutex.at(m, 4096 - 24));
            assertThrows(IndexOutOfBoundsException.class, () -> SharedMutex.at(m, -8));
            SharedMutex.at(m, 4096 - SharedMutex.SIZE).lock();
            try (Mapping readOnly = Mapping.map(m.file().orElseThrow(), MapMode.READ_ONLY)) {
                assertThrows(IllegalArgumentException.class, () -> SharedMutex.at(readOnly, 0));
            }
        }
        Mapping closed = SyncFiles.file(directory, 4096);
        SharedMutex mutex = SharedMutex.at(closed, 0);
        closed.close();
        assertThrows(IllegalStateException.class, () -> SharedMutex.at(closed, 0));
        assertThrows(IllegalStateException.class, mutex::lock);
    }

    @Test
    void survivesAResizeBetweenUses() throws IOException {
        try (Mapping m = Mapping.anonymous(4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            mutex.lock();
            m.resize(3 * 4096); // moves the memory: the mutex follows it
            assertTrue(mutex.isHeldByCurrentThread());
            mutex.unlock();
            assertEquals(0, m.getIntVolatile(MUTEX));
        }
    }

    /**
     * Threads increment two counters with plain reads and writes under the mutex: the counters never differ inside
     * a critical section and end exact, so the mutex both excludes and orders (unlock's exchange pairs with lock's
     * compare-and-set).
     */
    @Test
    void threadsExcludeEachOtherAndSeeEachOthersWrites() throws Exception {
        int threads = 4;
        int increments = 50_000;
        try (Mapping m = SyncFiles.shm(4096)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    SharedMutex mutex = SharedMutex.at(m, MUTEX); // one object per thread, or shared: both work
                    results.add(pool.submit(() -> {
                        for (int i = 0; i < increments; i++) {
                            mutex.lock();
                            try {
                                long first = m.getLong(FIRST);
                                long second = m.getLong(SECOND);
                                if (first != second) {
                                    throw new AssertionError("torn critical section: " + first + " != " + second);
                                }
                                m.putLong(FIRST, first + 1);
                                m.putLong(SECOND, second + 1);
                            } finally {
                                mutex.unlock();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> result : results) {
                    result.get(300, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals((long) threads * increments, m.getLong(FIRST));
            assertEquals((long) threads * increments, m.getLong(SECOND));
            assertEquals(0, m.getIntVolatile(MUTEX), "unlocked, waiters bit cleared");
        }
    }

    /** Three child JVMs and this one add to one counter under the mutex: the total is exact. */
    @Test
    void processesAddToACounterExactly() throws Exception {
        int children = 3;
        int increments = 20_000;
        Path file = Files.createTempFile(directory, "counter", ".bin");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            List<Process> processes = new ArrayList<>();
            List<Path> outputs = new ArrayList<>();
            try {
                for (int c = 0; c < children; c++) {
                    Path output = Files.createTempFile(directory, "child", ".out");
                    outputs.add(output);
                    processes.add(ChildJvm.of(CounterChild.class, file.toString(), Integer.toString(increments))
                            .start(output));
                }
                SharedMutex mutex = SharedMutex.at(m, MUTEX);
                for (int c = 0; c < children; c++) {
                    Process child = processes.get(c);
                    Path output = outputs.get(c);
                    SyncFiles.await(() -> m.getLongVolatile(READY) == children, child, output);
                }
                m.putLongVolatile(GO, 1);
                for (int i = 0; i < increments; i++) {
                    mutex.lock();
                    try {
                        m.putLong(FIRST, m.getLong(FIRST) + 1);
                    } finally {
                        mutex.unlock();
                    }
                }
                for (int c = 0; c < children; c++) {
                    SyncFiles.assertExitsCleanly(processes.get(c), outputs.get(c));
                }
            } finally {
                processes.forEach(Process::destroyForcibly);
            }
            assertEquals((long) (children + 1) * increments, m.getLong(FIRST));
        }
    }

    /** Args: the file and the number of increments. */
    public static final class CounterChild {
        public static void main(String[] args) throws Exception {
            int increments = Integer.parseInt(args[1]);
            try (Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE)) {
                SharedMutex mutex = SharedMutex.at(m, MUTEX);
                m.getAndAddLong(READY, 1);
                while (m.getLongVolatile(GO) == 0) {
                    Thread.sleep(1);
                }
                for (int i = 0; i < increments; i++) {
                    mutex.lock();
                    try {
                        m.putLong(FIRST, m.getLong(FIRST) + 1);
                    } finally {
                        mutex.unlock();
                    }
                }
            }
        }
    }

    /**
     * A child JVM takes the mutex and is killed with SIGKILL while holding it: this process, asking only after the
     * kill, acquires it within one second (the bound the protocol is built for: waiters check the owner every
     * 100 ms), with {@code previousOwnerDied()}.
     */
    @Test
    void killedHolderIsTakenOverWithinASecond() throws Exception {
        Path file = Files.createTempFile(directory, "holder", ".bin");
        Path output = Files.createTempFile(directory, "child", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            Process holder = ChildJvm.of(HolderChild.class, file.toString()).start(output);
            try {
                SyncFiles.await(() -> m.getLongVolatile(HELD) != 0, holder, output);
                assertFalse(mutex.tryLock(), "held by the child");
                assertFalse(mutex.previousOwnerDied());
                holder.destroyForcibly(); // SIGKILL
                assertTrue(mutex.tryLock(Duration.ofSeconds(1)), "not taken over within a second");
                assertTrue(mutex.previousOwnerDied());
                assertEquals(41, m.getLong(FIRST), "the holder's write before it died is there");
                mutex.unlock();
                assertTrue(mutex.tryLock());
                assertFalse(mutex.previousOwnerDied(), "the next holder's predecessor unlocked normally");
                mutex.unlock();
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    /** Threads already asleep on the mutex when its holder is killed: one takes it over, the other follows. */
    @Test
    void sleepingWaitersTakeOverFromAKilledHolder() throws Exception {
        Path file = Files.createTempFile(directory, "holder", ".bin");
        Path output = Files.createTempFile(directory, "child", ".out");
        try (Mapping m = Mapping.map(file, MapMode.READ_WRITE, 0, 4096)) {
            Process holder = ChildJvm.of(HolderChild.class, file.toString()).start(output);
            try {
                SyncFiles.await(() -> m.getLongVolatile(HELD) != 0, holder, output);
                List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    SharedMutex mutex = SharedMutex.at(m, MUTEX);
                    waiters.add(CompletableFuture.supplyAsync(() -> {
                        mutex.lock();
                        try {
                            return mutex.previousOwnerDied();
                        } finally {
                            mutex.unlock();
                        }
                    }, runnable -> new Thread(runnable).start()));
                }
                SyncFiles.await(() -> m.getIntVolatile(MUTEX) < 0, holder, output); // the waiters bit: asleep
                holder.destroyForcibly();
                int tookOver = 0;
                for (CompletableFuture<Boolean> waiter : waiters) {
                    tookOver += waiter.get(60, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertEquals(1, tookOver, "exactly one waiter inherits the dead holder's mutex");
                assertEquals(0, m.getIntVolatile(MUTEX));
            } finally {
                holder.destroyForcibly();
            }
        }
    }

    /** Arg: the file. Takes the mutex, writes 41 to FIRST and its pid to HELD, then sleeps until killed. */
    public static final class HolderChild {
        public static void main(String[] args) throws Exception {
            Mapping m = Mapping.map(Paths.get(args[0]), MapMode.READ_WRITE);
            SharedMutex.at(m, MUTEX).lock();
            m.putLong(FIRST, 41);
            m.putLongVolatile(HELD, ProcessHandle.current().pid());
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
            System.exit(3); // never reached in a passing test
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // The liveness protocol, with owner records written by hand (layout in SharedMutex's documentation)

    private static void forgeOwner(Mapping m, int pid, long startTime, int namespace) {
        m.putIntVolatile(MUTEX + 4, namespace);
        m.putLongVolatile(MUTEX + 8, (startTime << Owners.PID_BITS) | pid);
        m.putLongVolatile(MUTEX + 16, 12345);
        m.putIntVolatile(MUTEX, pid);
    }

    /** A live process to name as the owner, ended after the test. */
    private static Process sleeper() throws IOException {
        return new ProcessBuilder("sleep", "600").start();
    }

    @Test
    void liveOwnerIsNotTakenOver() throws Exception {
        Process owner = sleeper();
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            int pid = (int) owner.pid();
            forgeOwner(m, pid, Owners.startTime(pid), Owners.NAMESPACE);
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertFalse(mutex.tryLock());
            assertFalse(mutex.tryLock(Duration.ofMillis(350)), "several liveness checks, all alive");
        } finally {
            owner.destroyForcibly();
        }
    }

    /** The owner's pid now belongs to another process (it started at another time): the owner is dead. */
    @Test
    void reusedPidIsADeadOwner() throws Exception {
        Process stranger = sleeper();
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            int pid = (int) stranger.pid();
            forgeOwner(m, pid, Owners.startTime(pid) - 1, Owners.NAMESPACE);
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertTrue(mutex.tryLock());
            assertTrue(mutex.previousOwnerDied());
            mutex.unlock();
        } finally {
            stranger.destroyForcibly();
        }
    }

    /** An owner of another pid namespace cannot be judged: never taken over, even when its pid means nothing here. */
    @Test
    void ownerOfAnotherPidNamespaceIsNeverTakenOver() throws IOException, InterruptedException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            forgeOwner(m, unusedPid(), 1, Owners.NAMESPACE + 1);
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertFalse(mutex.tryLock());
            assertFalse(mutex.tryLock(Duration.ofMillis(350)));
        }
    }

    /** A holder that died before recording itself: taken over once its pid has been gone for a second. */
    @Test
    void unrecordedDeadOwnerIsTakenOverAfterASecond() throws IOException, InterruptedException {
        try (Mapping m = SyncFiles.file(directory, 4096)) {
            m.putIntVolatile(MUTEX, unusedPid());
            SharedMutex mutex = SharedMutex.at(m, MUTEX);
            assertFalse(mutex.tryLock(), "without a record, one look is not enough");
            assertTrue(mutex.tryLock(Duration.ofSeconds(60)));
            assertTrue(mutex.previousOwnerDied());
            mutex.unlock();
        }
    }

    /** {@link SharedMutex#tryLock(Duration)} for a lambda that may not throw a checked exception. */
    private static boolean tryLockUnchecked(SharedMutex mutex, Duration timeout) {
        try {
            return mutex.tryLock(timeout);
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted", e);
        }
    }

    private static int unusedPid() {
        for (int pid = Owners.PID_MASK; ; pid--) {
            if (!Files.exists(Paths.get("/proc", Integer.toString(pid)))) {
                return pid;
            }
        }
    }
}
