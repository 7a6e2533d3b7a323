package org.jmmap.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jmmap.ErrnoException;
import org.jmmap.testing.ChildJvm;
import org.jmmap.testing.Outcomes;
import org.jmmap.testing.Unprivileged;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Flock}: exclusion within the JVM and against other processes, with util-linux {@code flock(1)}, Python's
 * {@code fcntl.flock} and child JVMs as the other party; timeouts, interruption, SIGKILL of the holder, EACCES.
 */
class FlockTest {

    @TempDir
    Path dir;

    private Path file() throws IOException {
        return Files.write(dir.resolve("lock"), new byte[0]);
    }

    /** Runs {@code flock(1)} with {@code arguments}; its exit status (1: the lock was held, with -n). */
    private static int flockCommand(String... arguments) throws Exception {
        assumeTrue(Unprivileged.executable("flock").isPresent(), "util-linux flock(1) is not installed");
        List<String> command = new ArrayList<>(List.of("flock"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return process.exitValue();
    }

    /**
     * An exclusive lock excludes every other lock, also another Flock of this JVM and thread; close releases it,
     * idempotently; mode(), file(), isHeld() and toString() describe it.
     */
    @Test
    void exclusiveLockExcludesOthersUntilClosed() throws IOException {
        Path file = file();
        Flock lock = Flock.acquire(file, LockMode.EXCLUSIVE);
        assertEquals(LockMode.EXCLUSIVE, lock.mode());
        assertEquals(file, lock.file());
        assertTrue(lock.isHeld());
        assertTrue(lock.toString().contains(file.toString()), lock.toString());
        assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.EXCLUSIVE));
        assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.SHARED));
        lock.close();
        assertFalse(lock.isHeld());
        lock.close();
        try (Flock again = Flock.tryAcquire(file, LockMode.EXCLUSIVE).orElseThrow()) {
            assertTrue(again.isHeld());
        }
        assertEquals(0, LockHolder.openDescriptors(file), "nothing left open");
    }

    /** Shared locks coexist; an exclusive one waits for all of them. */
    @Test
    void sharedLocksCoexist() throws IOException {
        Path file = file();
        try (Flock first = Flock.acquire(file, LockMode.SHARED);
             Flock second = Flock.tryAcquire(file, LockMode.SHARED).orElseThrow()) {
            assertEquals(LockMode.SHARED, second.mode());
            assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.EXCLUSIVE));
            first.close();
            assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.EXCLUSIVE));
        }
        Flock.tryAcquire(file, LockMode.EXCLUSIVE).orElseThrow().close();
    }

    /** A missing file is created (as flock(1) does); a missing directory is NoSuchFileException (ENOENT). */
    @Test
    void missingFileIsCreatedMissingDirectoryIsEnoent() throws IOException {
        Path file = dir.resolve("new.lock");
        try (Flock lock = Flock.acquire(file, LockMode.EXCLUSIVE)) {
            assertTrue(Files.isRegularFile(file));
        }
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> Flock.acquire(dir.resolve("missing").resolve("x.lock"), LockMode.SHARED));
        assertEquals("ENOENT", ((ErrnoException) e.getCause()).errnoName());
        try (Flock directory = Flock.acquire(dir, LockMode.EXCLUSIVE)) {
            assertEquals(Optional.empty(), Flock.tryAcquire(dir, LockMode.SHARED));
        }
    }

    /** util-linux flock(1) as the other party: it sees our locks, and we see its. */
    @Test
    void interoperatesWithFlockCommand() throws Exception {
        Path file = file();
        try (Flock exclusive = Flock.acquire(file, LockMode.EXCLUSIVE)) {
            assertEquals(1, flockCommand("-n", "-s", file.toString(), "true"));
            assertEquals(1, flockCommand("-n", "-x", file.toString(), "true"));
        }
        try (Flock shared = Flock.acquire(file, LockMode.SHARED)) {
            assertEquals(0, flockCommand("-n", "-s", file.toString(), "true"));
            assertEquals(1, flockCommand("-n", "-x", file.toString(), "true"));
        }
        assertEquals(0, flockCommand("-n", "-x", file.toString(), "true"));

        // flock(1) holds it (-o: the lock is not passed on to the command) until we close its standard input.
        Path output = dir.resolve("flock.out");
        Process holder = new ProcessBuilder("flock", "-x", "-o", file.toString(), "sh", "-c", "echo locked; cat")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            LockHolder.awaitLine(holder, output, "locked");
            assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.SHARED));
            CompletableFuture<Flock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return Flock.acquire(file, LockMode.EXCLUSIVE);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            holder.getOutputStream().close();
            try (Flock granted = waiting.get(60, TimeUnit.SECONDS)) {
                assertTrue(granted.isHeld());
                assertEquals(1, flockCommand("-n", file.toString(), "true"));
            }
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    private static final String PYTHON_HOLDER = String.join("\n",
            "import fcntl, os, sys",
            "fd = os.open(sys.argv[1], os.O_RDONLY)",
            "fcntl.flock(fd, fcntl.LOCK_SH if sys.argv[2] == 'SHARED' else fcntl.LOCK_EX)",
            "print('locked', flush=True)",
            "sys.stdin.read()",
            "fcntl.flock(fd, fcntl.LOCK_UN)",
            "");

    private static final String PYTHON_TRY = String.join("\n",
            "import fcntl, os, sys",
            "fd = os.open(sys.argv[1], os.O_RDONLY)",
            "try:",
            "    fcntl.flock(fd, (fcntl.LOCK_SH if sys.argv[2] == 'SHARED' else fcntl.LOCK_EX) | fcntl.LOCK_NB)",
            "    print('acquired')",
            "except BlockingIOError as e:",
            "    print('held', e.errno == __import__('errno').EWOULDBLOCK)",
            "");

    private static String python(String script, String... args) throws Exception {
        assumeTrue(Unprivileged.executable("python3").isPresent(), "python3 is not installed");
        List<String> command = new ArrayList<>(List.of("python3", "-c", script));
        command.addAll(List.of(args));
        return org.jmmap.testing.FileProbes.run(command.toArray(new String[0])).trim();
    }

    /** Python's fcntl.flock as the other party: EWOULDBLOCK for it while we hold the lock, and the reverse. */
    @Test
    void interoperatesWithPythonFcntlFlock() throws Exception {
        Path file = file();
        try (Flock exclusive = Flock.acquire(file, LockMode.EXCLUSIVE)) {
            assertEquals("held True", python(PYTHON_TRY, file.toString(), "SHARED"));
        }
        try (Flock shared = Flock.acquire(file, LockMode.SHARED)) {
            assertEquals("acquired", python(PYTHON_TRY, file.toString(), "SHARED"));
            assertEquals("held True", python(PYTHON_TRY, file.toString(), "EXCLUSIVE"));
        }
        assertEquals("acquired", python(PYTHON_TRY, file.toString(), "EXCLUSIVE"));

        Path output = dir.resolve("python.out");
        Process holder = new ProcessBuilder("python3", "-c", PYTHON_HOLDER, file.toString(), "EXCLUSIVE")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            LockHolder.awaitLine(holder, output, "locked");
            assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.SHARED));
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(60, TimeUnit.SECONDS));
            Flock.tryAcquire(file, LockMode.EXCLUSIVE).orElseThrow().close();
        } finally {
            holder.destroyForcibly().waitFor();
        }
    }

    /**
     * The timed acquire throws ErrnoException ETIMEDOUT (cause: TimeoutException) while another process holds the
     * lock, Duration.ZERO included, leaving nothing open; a negative timeout is an IllegalArgumentException; a
     * timeout too long for nanoseconds does not overflow.
     */
    @Test
    void timedAcquireExpiresWithEtimedout() throws Exception {
        Path file = file();
        try (LockHolder.Running holder = LockHolder.start(dir, "flock", file.toString(), "EXCLUSIVE")) {
            for (Duration timeout : new Duration[] {Duration.ZERO, Duration.ofMillis(50)}) {
                ErrnoException e = assertThrows(ErrnoException.class,
                        () -> Flock.acquire(file, LockMode.SHARED, timeout));
                assertEquals("ETIMEDOUT", e.errnoName());
                assertEquals("flock", e.call());
                assertInstanceOf(TimeoutException.class, e.getCause());
            }
            assertEquals(0, LockHolder.openDescriptors(file));
            holder.release();
        }
        try (Flock lock = Flock.acquire(file, LockMode.EXCLUSIVE, Duration.ofSeconds(Long.MAX_VALUE))) {
            assertTrue(lock.isHeld());
        }
        assertThrows(IllegalArgumentException.class, () -> Flock.acquire(file, LockMode.SHARED, Duration.ofNanos(-1)));
        assertThrows(NullPointerException.class, () -> Flock.acquire(file, null));
    }

    /**
     * Interrupting a thread waiting in acquire makes it throw FileLockInterruptionException with its interrupt
     * status still set, leaving nothing open; a thread interrupted before it has to wait throws at once; an
     * interrupted thread still gets a free lock and tryAcquire ignores the interrupt.
     */
    @Test
    void interruptedAcquireGivesUp() throws Exception {
        Path file = file();
        Flock held = Flock.acquire(file, LockMode.EXCLUSIVE);
        try {
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                started.countDown();
                try {
                    Flock.acquire(file, LockMode.EXCLUSIVE).close();
                    outcome.complete("acquired");
                } catch (FileLockInterruptionException e) {
                    outcome.complete("interrupted, status " + Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    outcome.complete(e.toString());
                }
            });
            waiter.start();
            started.await();
            Thread.sleep(100); // let it start waiting (if not, it sees the interrupt before its first pause)
            waiter.interrupt();
            assertEquals("interrupted, status true", outcome.get(60, TimeUnit.SECONDS));
            waiter.join();

            Thread.currentThread().interrupt();
            try {
                assertThrows(FileLockInterruptionException.class, () -> Flock.acquire(file, LockMode.SHARED));
                assertTrue(Thread.currentThread().isInterrupted());
                assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.SHARED));
            } finally {
                Thread.interrupted();
            }
            assertEquals(1, LockHolder.openDescriptors(file), "only the held lock's descriptor");
        } finally {
            held.close();
        }
        Thread.currentThread().interrupt();
        try {
            Flock.acquire(file, LockMode.EXCLUSIVE).close();
        } finally {
            assertTrue(Thread.interrupted());
        }
    }

    /** Another JVM's lock excludes ours; killing that JVM with SIGKILL releases it. */
    @Test
    void holderKilledWithSigkillReleasesTheLock() throws Exception {
        Path file = file();
        try (LockHolder.Running holder = LockHolder.start(dir, "flock", file.toString(), "EXCLUSIVE")) {
            assertEquals(Optional.empty(), Flock.tryAcquire(file, LockMode.SHARED));
            CompletableFuture<Flock> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return Flock.acquire(file, LockMode.EXCLUSIVE);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            holder.kill();
            try (Flock granted = waiting.get(60, TimeUnit.SECONDS)) {
                assertTrue(granted.isHeld());
            }
        }
    }

    /**
     * Without CAP_DAC_OVERRIDE, locking a 0000 file is AccessDeniedException (EACCES); a 0444 file can be locked in
     * either mode (flock needs only a read-only descriptor).
     */
    @Test
    void unreadableFileIsAccessDenied() throws Exception {
        Optional<List<String>> unprivileged = Unprivileged.withoutCapabilities();
        assumeTrue(unprivileged.isPresent(), "cannot drop CAP_DAC_OVERRIDE here (setpriv or CAP_SETPCAP missing)");
        Path closed = Files.write(dir.resolve("closed"), new byte[0]);
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        Path readable = Files.write(dir.resolve("readable"), new byte[0]);
        Files.setPosixFilePermissions(readable, PosixFilePermissions.fromString("r--r--r--"));
        ChildJvm.Result result = ChildJvm.of(PermissionChild.class, closed.toString(), readable.toString())
                .wrappedIn(unprivileged.get().toArray(new String[0]))
                .timeoutSeconds(120)
                .run();
        assertEquals(0, result.exitStatus, result::toString);
        Map<String, String> outcome = Outcomes.parse(result.output);
        assertEquals("AccessDeniedException/EACCES", outcome.get("flock0000"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("tryFlock0000"), outcome::toString);
        assertEquals("ok", outcome.get("flockExclusive0444"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("rangeExclusive0444"), outcome::toString);
        assertEquals("ok", outcome.get("rangeShared0444"), outcome::toString);
        assertEquals("AccessDeniedException/EACCES", outcome.get("rangeShared0000"), outcome::toString);
    }

    /** Child JVM: the cases of {@link #unreadableFileIsAccessDenied()} (and RangeLock's) on args[0] and args[1]. */
    public static final class PermissionChild {
        public static void main(String[] args) {
            Path closed = Path.of(args[0]);
            Path readable = Path.of(args[1]);
            Outcomes.report("flock0000", () -> Flock.acquire(closed, LockMode.SHARED).close());
            Outcomes.report("tryFlock0000", () -> Flock.tryAcquire(closed, LockMode.SHARED));
            Outcomes.report("flockExclusive0444", () -> Flock.acquire(readable, LockMode.EXCLUSIVE).close());
            Outcomes.report("rangeExclusive0444",
                    () -> RangeLock.acquire(readable, 0, 10, LockMode.EXCLUSIVE).close());
            Outcomes.report("rangeShared0444", () -> RangeLock.acquire(readable, 0, 10, LockMode.SHARED).close());
            Outcomes.report("rangeShared0000", () -> RangeLock.acquire(closed, 0, 10, LockMode.SHARED).close());
        }
    }

    /** A Flock's waiting acquire completes once the holder in this JVM closes. */
    @Test
    void waitingAcquireIsGrantedOnRelease() throws Exception {
        Path file = file();
        Flock held = Flock.acquire(file, LockMode.SHARED);
        CompletableFuture<Flock> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return Flock.acquire(file, LockMode.EXCLUSIVE);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "granted while a shared lock is held");
        held.close();
        try (Flock granted = waiting.get(60, TimeUnit.SECONDS)) {
            assertEquals(LockMode.EXCLUSIVE, granted.mode());
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        }
    }
}
