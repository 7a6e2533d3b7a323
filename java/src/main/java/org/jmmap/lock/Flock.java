package org.jmmap.lock;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jmmap.internal.Errors;

/**
 * A whole-file lock taken with {@code flock(2)}: the lock util-linux {@code flock(1)}, Python's {@code fcntl.flock}
 * and C programs calling {@code flock} take, so it coordinates a JVM with any of them. The lock belongs to this
 * object's own open file description: it conflicts with every other {@code Flock} (also of the same JVM and
 * thread), lasts until {@link #close()}, and is released by the kernel if the process dies. It does not interact
 * with {@code fcntl} locks ({@link RangeLock}, {@code FileChannel.lock}).
 *
 * <p>The file is opened read-only ({@code O_CLOEXEC}), and created (mode {@code 0666} less the umask) if missing,
 * as {@code flock(1)} does; a directory can be locked too. Waiting, timeouts and interruption are described in the
 * {@link org.jmmap.lock package documentation}. Keep a reference to the lock while it should be held
 * (try-with-resources): a {@code Flock} that becomes unreachable without being closed is released by a
 * {@link Cleaner}.
 *
 * <pre>{@code
 * try (Flock lock = Flock.acquire(Path.of("/var/lock/myapp.lock"), LockMode.EXCLUSIVE, Duration.ofSeconds(5))) {
 *     // only one process at a time runs this
 * }
 * }</pre>
 */
public final class Flock implements AutoCloseable {

    private static final int LOCK_SH = LockFile.C.get("LOCK_SH");
    private static final int LOCK_EX = LockFile.C.get("LOCK_EX");
    private static final int LOCK_NB = LockFile.C.get("LOCK_NB");
    private static final int LOCK_UN = LockFile.C.get("LOCK_UN");

    private final Path file;
    private final LockMode mode;
    private final LockFile.Descriptor descriptor;
    private final Cleaner.Cleanable cleanable;

    private Flock(Path file, LockMode mode, int fd) {
        this.file = file;
        this.mode = mode;
        this.descriptor = new LockFile.Descriptor(fd, () -> LockFile.NATIVE.flock(fd, LOCK_UN));
        this.cleanable = descriptor.register(this);
    }

    /**
     * Locks {@code file} in {@code mode}, waiting as long as it takes.
     *
     * @throws java.nio.channels.FileLockInterruptionException if the thread is interrupted while waiting
     * @throws java.nio.file.NoSuchFileException               if a directory on the path does not exist
     * @throws java.nio.file.AccessDeniedException             if the file cannot be opened or created
     * @throws org.jmmap.ErrnoException                        if {@code flock} fails ({@code ENOLCK}, ...)
     */
    public static Flock acquire(Path file, LockMode mode) throws IOException {
        return acquire(file, mode, -1);
    }

    /**
     * Locks {@code file} in {@code mode}, waiting at most {@code timeout} ({@link Duration#ZERO}: one attempt).
     *
     * @throws IllegalArgumentException                        if {@code timeout} is negative
     * @throws org.jmmap.ErrnoException                        {@code ETIMEDOUT} (cause: a
     *                                                         {@link java.util.concurrent.TimeoutException}) if the
     *                                                         lock is still held elsewhere after {@code timeout}
     * @throws java.nio.channels.FileLockInterruptionException if the thread is interrupted while waiting
     * @throws java.nio.file.AccessDeniedException             if the file cannot be opened or created
     */
    public static Flock acquire(Path file, LockMode mode, Duration timeout) throws IOException {
        return acquire(file, mode, LockFile.nanos(timeout));
    }

    private static Flock acquire(Path file, LockMode mode, long timeoutNanos) throws IOException {
        Objects.requireNonNull(mode, "mode");
        int fd = LockFile.open(file, LockFile.O_RDONLY, true);
        try {
            int operation = mode == LockMode.SHARED ? LOCK_SH : LOCK_EX;
            LockFile.await(() -> tryLock(file, mode, fd),
                    nanos -> LockFile.NATIVE.flockSlice(fd, operation, nanos),
                    result -> Errors.file("flock", result, file, "file=" + file + ", "
                            + (mode == LockMode.SHARED ? "LOCK_SH" : "LOCK_EX")),
                    timeoutNanos, "flock", detail(file, mode));
        } catch (IOException | RuntimeException | Error e) {
            LockFile.NATIVE.close(fd);
            throw e;
        }
        return new Flock(file, mode, fd);
    }

    /**
     * Locks {@code file} in {@code mode} if no one else holds a conflicting lock; never waits.
     *
     * @return the lock, or empty if it is held elsewhere ({@code EWOULDBLOCK})
     * @throws java.nio.file.AccessDeniedException if the file cannot be opened or created
     * @throws org.jmmap.ErrnoException            if {@code flock} fails for another reason
     */
    public static Optional<Flock> tryAcquire(Path file, LockMode mode) throws IOException {
        Objects.requireNonNull(mode, "mode");
        int fd = LockFile.open(file, LockFile.O_RDONLY, true);
        boolean locked = false;
        try {
            locked = tryLock(file, mode, fd);
        } finally {
            if (!locked) {
                LockFile.NATIVE.close(fd);
            }
        }
        return locked ? Optional.of(new Flock(file, mode, fd)) : Optional.empty();
    }

    private static boolean tryLock(Path file, LockMode mode, int fd) throws IOException {
        int result = LockFile.NATIVE.flock(fd, (mode == LockMode.SHARED ? LOCK_SH : LOCK_EX) | LOCK_NB);
        if (result == 0) {
            return true;
        }
        if (result == -LockFile.EWOULDBLOCK) {
            return false;
        }
        throw Errors.file("flock", result, file, detail(file, mode));
    }

    private static String detail(Path file, LockMode mode) {
        return "file=" + file + ", " + (mode == LockMode.SHARED ? "LOCK_SH" : "LOCK_EX") + "|LOCK_NB";
    }

    /** The mode the lock was taken in. */
    public LockMode mode() {
        return mode;
    }

    /** The locked file, as given. */
    public Path file() {
        return file;
    }

    /** Whether the lock is held: true until {@link #close()}. */
    public boolean isHeld() {
        return !descriptor.isClosed();
    }

    /** Releases the lock ({@code LOCK_UN}) and closes the file. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "Flock[" + file + ", " + mode + (isHeld() ? "]" : ", released]");
    }
}
