package org.jmmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Outcomes;
import org.jmmap.testing.Smaps;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Mapping#lockPages()}, {@link Mapping#unlockPages()}, {@link Mapping#lockPages(long, long, boolean)} and
 * {@link MapOption#LOCKED}: what the kernel records ({@code lo}/{@code lf} VMA flags and {@code Locked} pages in
 * {@code /proc/self/smaps}, residency), and the RLIMIT_MEMLOCK errors of a process without {@code CAP_IPC_LOCK},
 * checked in a child JVM started under {@code prlimit} (and {@code setpriv} when this one is privileged).
 */
class MappingKernelLockTest {

    private static final int PAGE = Mapping.pageSize();

    @TempDir
    Path dir;

    private static Mapping smallPageMemory(int pages, MapOption... options) throws IOException {
        Mapping memory = Mapping.anonymous((long) pages * PAGE, options);
        if (Advice.NO_HUGE_PAGE.isSupported()) {
            memory.advise(Advice.NO_HUGE_PAGE);
        }
        return memory;
    }

    private static long lockedBytes(Mapping mapping) {
        return 1024 * Smaps.kilobytes(mapping.address(), mapping.length(), "Locked");
    }

    private static boolean locked(long address) {
        return Smaps.flagsAt(address).contains("lo");
    }

    /** lockPages() faults every page in and locks it; unlockPages() unlocks them all again. */
    @Test
    void lockPagesLocksEveryPageAndUnlockPagesUnlocksThem() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping memory = smallPageMemory(8)) {
            memory.lockPages();
            assertTrue(locked(memory.address()), () -> Smaps.areaAt(memory.address()).toString());
            assertEquals(8L * PAGE, lockedBytes(memory));
            assertEquals(8, memory.residency().residentPages());
            memory.unlockPages();
            assertFalse(locked(memory.address()));
            assertEquals(0, lockedBytes(memory));
        }
    }

    /** lockPages(offset, length) locks exactly the pages the range touches; unlockPages(offset, length) likewise. */
    @Test
    void lockPagesOfARangeLocksThePagesItTouches() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping memory = smallPageMemory(6)) {
            long address = memory.address();
            memory.lockPages(PAGE + 10, PAGE); // pages 1 and 2
            assertFalse(locked(address));
            assertTrue(locked(address + PAGE));
            assertTrue(locked(address + 2L * PAGE));
            assertFalse(locked(address + 3L * PAGE));
            assertEquals(2L * PAGE, lockedBytes(memory));
            memory.unlockPages(PAGE + 10, 1); // page 1
            assertFalse(locked(address + PAGE));
            assertTrue(locked(address + 2L * PAGE));
            assertEquals(PAGE, lockedBytes(memory));
        }
    }

    /** lockPages(..., onFault = true) locks without faulting in: pages are locked as they are first touched. */
    @Test
    void lockOnFaultLocksPagesAsTheyAreTouched() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping memory = smallPageMemory(8)) {
            memory.lockPages(0, 8L * PAGE, true);
            assertTrue(Smaps.flagsAt(memory.address()).containsAll(List.of("lo", "lf")),
                    () -> Smaps.areaAt(memory.address()).toString());
            assertEquals(0, memory.residency().residentPages());
            assertEquals(0, lockedBytes(memory));
            memory.putByte(3L * PAGE, (byte) 1);
            assertEquals(PAGE, lockedBytes(memory));
            assertTrue(memory.residency().isResident(3));
            memory.unlockPages();
            assertFalse(Smaps.flagsAt(memory.address()).contains("lf"));
        }
    }

    /** MapOption.LOCKED maps the memory locked and resident, as mlock would, for anonymous memory and files. */
    @Test
    void lockedOptionMapsLockedPages() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        try (Mapping memory = Mapping.anonymous(4L * PAGE, MapOption.LOCKED)) {
            assertTrue(locked(memory.address()));
            assertEquals(4, memory.residency().residentPages());
            assertEquals(4L * PAGE, lockedBytes(memory));
        }
        Path file = FileProbes.write(dir.resolve("locked"), FileProbes.pattern(3 * PAGE, 1));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_ONLY, 0, 3L * PAGE, MapOption.LOCKED)) {
            assertTrue(locked(mapping.address()));
            assertEquals(3L * PAGE, lockedBytes(mapping));
        }
    }

    /** Locking a file mapping keeps its data and its pages in memory; sync and unlock work on it as usual. */
    @Test
    void lockPagesOfAFileMapping() throws IOException {
        assumeTrue(Unprivileged.mayLock(1 << 20), "RLIMIT_MEMLOCK is too low to lock memory here");
        Path file = FileProbes.write(dir.resolve("file"), FileProbes.pattern(4 * PAGE, 2));
        try (Mapping mapping = Mapping.map(file, MapMode.READ_WRITE, 100, 3L * PAGE)) {
            mapping.lockPages();
            assertEquals(4, mapping.residency().residentPages());
            assertEquals(4L * PAGE, lockedBytes(mapping));
            mapping.putInt(0, 5);
            mapping.sync();
            mapping.unlockPages();
            assertEquals(0, lockedBytes(mapping));
            assertEquals(5, mapping.getInt(0));
        }
    }

    /** The lock calls check the range (IndexOutOfBoundsException) and the state (IllegalStateException). */
    @Test
    void lockChecksRangeAndState() throws IOException {
        Mapping memory = Mapping.anonymous(2L * PAGE);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.lockPages(-1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.lockPages(1, 2L * PAGE, true));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.unlockPages(0, 2L * PAGE + 1));
        memory.close();
        assertThrows(IllegalStateException.class, memory::lockPages);
        assertThrows(IllegalStateException.class, memory::unlockPages);
        assertThrows(IllegalStateException.class, () -> memory.lockPages(0, 1, true));
    }

    /**
     * Without CAP_IPC_LOCK and with RLIMIT_MEMLOCK at 64 KiB, locking 128 KiB fails with ENOMEM (mlock and
     * mlock2), mapping it LOCKED fails with EAGAIN (mmap(2)), and locking within the limit succeeds.
     */
    @Test
    void lockingBeyondRlimitMemlockFails() throws Exception {
        Map<String, String> outcome = runUnprivileged(65536, "within-limit");
        assertEquals("ENOMEM", outcome.get("lockPages"), outcome::toString);
        assertEquals("ENOMEM", outcome.get("lockPagesOnFault"), outcome::toString);
        assertEquals("EAGAIN", outcome.get("LOCKED"), outcome::toString);
        assertEquals("ok", outcome.get("lockPagesWithinLimit"), outcome::toString);
        assertEquals("ok", outcome.get("LOCKEDWithinLimit"), outcome::toString);
    }

    /** Without CAP_IPC_LOCK and with RLIMIT_MEMLOCK at 0, any lock fails with EPERM (mlock(2), mmap(2)). */
    @Test
    void lockingWithAZeroRlimitMemlockFailsWithEperm() throws Exception {
        Map<String, String> outcome = runUnprivileged(0, "none");
        assertEquals("EPERM", outcome.get("lockPages"), outcome::toString);
        assertEquals("EPERM", outcome.get("lockPagesOnFault"), outcome::toString);
        assertEquals("EPERM", outcome.get("LOCKED"), outcome::toString);
    }

    /** Runs {@link MemlockChild} under RLIMIT_MEMLOCK = {@code limit} without CAP_IPC_LOCK; its name=outcome lines. */
    private static Map<String, String> runUnprivileged(long limit, String mode) throws Exception {
        Optional<List<String>> memlock = Unprivileged.withMemlockLimit(limit);
        Optional<List<String>> unprivileged = Unprivileged.withoutCapabilities();
        assumeTrue(memlock.isPresent(), "prlimit is not installed");
        assumeTrue(unprivileged.isPresent(), "cannot drop CAP_IPC_LOCK here (setpriv or CAP_SETPCAP missing)");
        List<String> wrapper = new ArrayList<>(memlock.get());
        wrapper.addAll(unprivileged.get());
        ChildJvm.Result result = ChildJvm.of(MemlockChild.class, mode)
                .wrappedIn(wrapper.toArray(new String[0]))
                .timeoutSeconds(120)
                .run();
        assertEquals(0, result.exitStatus, result::toString);
        return Outcomes.parse(result.output);
    }

    /** Child JVM: locks beyond and within its RLIMIT_MEMLOCK and prints {@code outcome name=result} lines. */
    public static final class MemlockChild {
        public static void main(String[] args) throws IOException {
            long beyond = 32L * PAGE; // 128 KiB with 4 KiB pages: beyond a 64 KiB limit
            try (Mapping memory = Mapping.anonymous(beyond)) {
                Outcomes.report("lockPages", memory::lockPages);
                Outcomes.report("lockPagesOnFault", () -> memory.lockPages(0, beyond, true));
            }
            Outcomes.report("LOCKED", () -> Mapping.anonymous(beyond, MapOption.LOCKED).close());
            if (args[0].equals("within-limit")) {
                try (Mapping memory = Mapping.anonymous(2L * PAGE)) {
                    Outcomes.report("lockPagesWithinLimit", memory::lockPages);
                }
                Outcomes.report("LOCKEDWithinLimit", () -> Mapping.anonymous(2L * PAGE, MapOption.LOCKED).close());
            }
        }
    }
}
