package org.jmmap.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jmmap.ErrnoException;
import org.jmmap.testing.FileProbes;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RangeLock}: byte ranges held by several JVMs at once, conflicts, the POSIX close trap that
 * {@code FileChannel.lock} falls into and OFD locks do not, Python's {@code fcntl.lockf} as the other party, SIGKILL
 * of the holder, timeouts, interruption and range validation.
 */
class RangeLockTest {

    @TempDir
    Path dir;

    private Path file() throws IOException {
        return Files.write(dir.resolve("data"), new byte[4096]);
    }

    /**
     * Python's fcntl.lockf (a classic POSIX record lock, as FileChannel.lock takes) tries the range without waiting:
     * "acquired" or "held".
     */
    private static String pythonTryLockf(Path file, long offset, long length, LockMode mode) throws Exception {
        assumeTrue(Unprivileged.executable("python3").isPresent(), "python3 is not installed");
        String script = String.join("\n",
                "import errno, fcntl, os, sys",
                "shared = sys.argv[4] == 'SHARED'",
                "fd = os.open(sys.argv[1], os.O_RDONLY if shared else os.O_RDWR)",
                "try:",
                "    fcntl.lockf(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB, int(sys.argv[3]),"
                        + " int(sys.argv[2]))",
                "    print('acquired')",
                "except OSError as e:",
                "    print('held' if e.errno in (errno.EAGAIN, errno.EACCES) else e)",
                "");
        return FileProbes.run("python3", "-c", script, file.toString(), Long.toString(offset), Long.toString(length),
                mode.name()).trim();
    }

    /** Two JVMs hold disjoint ranges of one file at once; overlapping requests fail tryAcquire in both directions. */
    @Test
    void twoJvmsHoldDisjointRanges() throws Exception {
        Path file = file();
        try (LockHolder.Running other = LockHolder.start(dir, "range", file.toString(), "0", "100", "EXCLUSIVE")) {
            try (RangeLock mine = RangeLock.tryAcquire(file, 100, 100, LockMode.EXCLUSIVE).orElseThrow()) {
                assertEquals(100, mine.offset());
                assertEquals(100, mine.length());
                assertEquals(LockMode.EXCLUSIVE, mine.mode());
                assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 50, 100, LockMode.EXCLUSIVE));
                assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 99, 1, LockMode.SHARED));
                assertEquals(Optional.of(LockMode.EXCLUSIVE), RangeLock.probe(file, 0, 1));
                assertEquals("held", pythonTryLockf(file, 150, 1, LockMode.SHARED));
                assertEquals("held", pythonTryLockf(file, 0, 1, LockMode.SHARED));
                assertEquals("acquired", pythonTryLockf(file, 200, 10, LockMode.EXCLUSIVE));
            }
            assertEquals("acquired", pythonTryLockf(file, 100, 100, LockMode.EXCLUSIVE));
            other.release();
        }
        assertEquals(Optional.empty(), RangeLock.probe(file, 0, 0));
    }

    /**
     * Overlapping exclusive requests conflict in one JVM too (each lock has its own open file description): tryAcquire
     * fails, acquire waits until the holder closes. Shared locks overlap freely and exclude exclusive ones.
     */
    @Test
    void overlappingRequestsWaitOrFail() throws Exception {
        Path file = file();
        RangeLock held = RangeLock.acquire(file, 10, 20, LockMode.EXCLUSIVE);
        assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 29, 1, LockMode.EXCLUSIVE));
        assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 0, 11, LockMode.SHARED));
        RangeLock.tryAcquire(file, 30, 1, LockMode.EXCLUSIVE).orElseThrow().close();
        RangeLock.tryAcquire(file, 0, 10, LockMode.EXCLUSIVE).orElseThrow().close();
        CompletableFuture<RangeLock> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return RangeLock.acquire(file, 25, 10, LockMode.EXCLUSIVE);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "granted an overlapping range while it is held");
        held.close();
        try (RangeLock granted = waiting.get(60, TimeUnit.SECONDS)) {
            assertEquals(25, granted.offset());
        }
        try (RangeLock a = RangeLock.acquire(file, 0, 100, LockMode.SHARED);
             RangeLock b = RangeLock.tryAcquire(file, 50, 100, LockMode.SHARED).orElseThrow()) {
            assertEquals(Optional.of(LockMode.SHARED), RangeLock.probe(file, 120, 1));
            assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 99, 1, LockMode.EXCLUSIVE));
        }
    }

    /**
     * The POSIX trap: closing another descriptor of the file in this JVM (a FileChannel, a FileInputStream, a
     * RandomAccessFile, one that took and released a FileChannel lock of its own) leaves a RangeLock held, as seen
     * from this JVM and from another process.
     */
    @Test
    void closingOtherDescriptorsOfTheFileKeepsTheLock() throws Exception {
        Path file = file();
        try (RangeLock lock = RangeLock.acquire(file, 0, 100, LockMode.EXCLUSIVE)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                channel.size();
                FileLock other = channel.tryLock(200, 10, false);
                assertNotNull(other);
                other.release();
            }
            try (FileInputStream in = new FileInputStream(file.toFile())) {
                in.read();
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.length();
            }
            Files.readAllBytes(file);
            assertTrue(lock.isHeld());
            assertEquals(Optional.of(LockMode.EXCLUSIVE), RangeLock.probe(file, 50, 1));
            assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 50, 1, LockMode.SHARED));
            assertEquals("held", pythonTryLockf(file, 50, 1, LockMode.SHARED));
        }
        assertEquals("acquired", pythonTryLockf(file, 50, 1, LockMode.EXCLUSIVE));
    }

    /**
     * The same sequence drops a FileChannel lock: the trap is real, and the test above would catch a RangeLock built
     * on classic locks.
     */
    @Test
    void closingAnotherChannelDropsAFileChannelLock() throws Exception {
        Path file = file();
        try (FileChannel locked = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock = locked.lock(0, 100, false);
            assertEquals("held", pythonTryLockf(file, 50, 1, LockMode.SHARED));
            FileChannel.open(file, StandardOpenOption.READ).close();
            assertTrue(lock.isValid(), "the JDK still believes it holds the lock");
            assertEquals("acquired", pythonTryLockf(file, 50, 1, LockMode.EXCLUSIVE), "the kernel dropped it");
        }
    }

    /** RangeLocks and FileChannel locks (classic record locks) of the same JVM conflict where they overlap. */
    @Test
    void conflictsWithFileChannelLocksOfThisJvm() throws Exception {
        Path file = file();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            try (RangeLock lock = RangeLock.acquire(file, 0, 10, LockMode.EXCLUSIVE)) {
                assertNull(channel.tryLock(5, 10, false));
                FileLock disjoint = channel.tryLock(10, 10, false);
                assertNotNull(disjoint);
                assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 15, 1, LockMode.SHARED));
                disjoint.release();
            }
        }
    }

    /** Length 0 locks from the offset to the end of the file and beyond, however far. */
    @Test
    void lengthZeroLocksToTheEndAndBeyond() throws Exception {
        Path file = file();
        try (RangeLock tail = RangeLock.acquire(file, 100, 0, LockMode.EXCLUSIVE)) {
            assertEquals(0, tail.length());
            assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 1L << 40, 1, LockMode.SHARED));
            assertEquals(Optional.empty(), RangeLock.tryAcquire(file, Long.MAX_VALUE, 1, LockMode.SHARED));
            assertEquals("held", pythonTryLockf(file, 1L << 40, 1, LockMode.SHARED));
            RangeLock.tryAcquire(file, 0, 100, LockMode.EXCLUSIVE).orElseThrow().close();
        }
        RangeLock.tryAcquire(file, Long.MAX_VALUE, 1, LockMode.EXCLUSIVE).orElseThrow().close();
        RangeLock.tryAcquire(file, Long.MAX_VALUE, 0, LockMode.EXCLUSIVE).orElseThrow().close();
    }

    /** Offsets and lengths are checked before any system call, with messages naming them; nothing is created. */
    @Test
    void invalidRangesAreRejected() {
        Path file = dir.resolve("never");
        assertEquals("offset=-1: must be >= 0", assertThrows(IllegalArgumentException.class,
                () -> RangeLock.acquire(file, -1, 1, LockMode.SHARED)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> RangeLock.tryAcquire(file, 0, -1, LockMode.SHARED)).getMessage().startsWith("length=-1"));
        String overflow = assertThrows(IllegalArgumentException.class,
                () -> RangeLock.acquire(file, Long.MAX_VALUE, 2, LockMode.SHARED)).getMessage();
        assertTrue(overflow.contains("offset=" + Long.MAX_VALUE) && overflow.contains("length=2"), overflow);
        assertThrows(IllegalArgumentException.class, () -> RangeLock.probe(file, 2, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class,
                () -> RangeLock.acquire(file, 0, 1, LockMode.SHARED, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> RangeLock.acquire(file, 0, 1, null));
        assertFalse(Files.exists(file));
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> RangeLock.probe(file, 0, 0));
        assertEquals("ENOENT", ((ErrnoException) missing.getCause()).errnoName());
        assertFalse(Files.exists(file), "probe does not create the file");
    }

    /** Another JVM holding the range: SIGKILL releases it, and a waiting acquire gets it. */
    @Test
    void holderKilledWithSigkillReleasesTheRange() throws Exception {
        Path file = file();
        try (LockHolder.Running holder = LockHolder.start(dir, "range", file.toString(), "0", "0", "EXCLUSIVE")) {
            assertEquals(Optional.empty(), RangeLock.tryAcquire(file, 1000, 1, LockMode.SHARED));
            CompletableFuture<RangeLock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return RangeLock.acquire(file, 1000, 1, LockMode.EXCLUSIVE);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            holder.kill();
            try (RangeLock granted = waiting.get(60, TimeUnit.SECONDS)) {
                assertTrue(granted.isHeld());
            }
        }
    }

    /**
     * Timed acquire: ETIMEDOUT with a TimeoutException cause while Python holds an overlapping lockf lock; an
     * interrupted waiter throws FileLockInterruptionException; neither leaves a descriptor open.
     */
    @Test
    void timeoutAndInterruption() throws Exception {
        Path file = file();
        assumeTrue(Unprivileged.executable("python3").isPresent(), "python3 is not installed");
        Path output = dir.resolve("python.out");
        String script = String.join("\n",
                "import fcntl, os, sys",
                "fd = os.open(sys.argv[1], os.O_RDWR)",
                "fcntl.lockf(fd, fcntl.LOCK_EX, 10, 0)",
                "print('locked', flush=True)",
                "sys.stdin.read()",
                "");
        Process python = new ProcessBuilder("python3", "-c", script, file.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            LockHolder.awaitLine(python, output, "locked");
            ErrnoException e = assertThrows(ErrnoException.class,
                    () -> RangeLock.acquire(file, 5, 1, LockMode.SHARED, Duration.ofMillis(30)));
            assertEquals("ETIMEDOUT", e.errnoName());
            assertEquals("fcntl", e.call());
            assertInstanceOf(TimeoutException.class, e.getCause());
            RangeLock.acquire(file, 10, 1, LockMode.EXCLUSIVE, Duration.ZERO).close();

            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    RangeLock.acquire(file, 0, 1, LockMode.EXCLUSIVE).close();
                    outcome.complete("acquired");
                } catch (FileLockInterruptionException interrupted) {
                    outcome.complete("interrupted, status " + Thread.currentThread().isInterrupted());
                } catch (Throwable other) {
                    outcome.complete(other.toString());
                }
            });
            waiter.start();
            Thread.sleep(100);
            waiter.interrupt();
            assertEquals("interrupted, status true", outcome.get(60, TimeUnit.SECONDS));
            waiter.join();
            assertEquals(0, LockHolder.openDescriptors(file));
        } finally {
            python.destroyForcibly().waitFor();
        }
    }

    /** close is idempotent and releases at once; a dropped lock is released by the Cleaner. */
    @Test
    void closeIsIdempotent() throws Exception {
        Path file = file();
        RangeLock lock = RangeLock.acquire(file, 0, 1, LockMode.EXCLUSIVE);
        assertTrue(lock.toString().contains("offset=0, length=1"), lock.toString());
        lock.close();
        lock.close();
        assertFalse(lock.isHeld());
        assertTrue(lock.toString().contains("released"));
        assertEquals(Optional.empty(), RangeLock.probe(file, 0, 0));
        assertEquals(0, LockHolder.openDescriptors(file));
        List<Object> keep = new ArrayList<>();
        keep.add(RangeLock.acquire(file, 0, 1, LockMode.SHARED));
        assertEquals(Optional.of(LockMode.SHARED), RangeLock.probe(file, 0, 0));
        keep.clear();
        for (int i = 0; i < 100 && RangeLock.probe(file, 0, 0).isPresent(); i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(Optional.empty(), RangeLock.probe(file, 0, 0), "released once unreachable");
    }
}
