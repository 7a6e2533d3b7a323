package org.jmmap.lock;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jmmap.internal.Errors;

/**
 * A lock on the byte range {@code [offset, offset + length)} of a file, taken with {@code fcntl(2)} open file
 * description ("OFD") locks ({@code F_OFD_SETLK}, Linux 3.15+). Ranges of one file can be locked by different
 * holders at once as long as they do not overlap (or all are {@link LockMode#SHARED}); the range need not lie within
 * the file, and {@code length} 0 means from {@code offset} to the end of the file and beyond, however the file
 * grows.
 *
 * <p><b>Why not {@code FileChannel.lock}:</b> that takes classic POSIX record locks, which belong to the process
 * and which the kernel drops as soon as the process closes <em>any</em> descriptor of the file: opening and closing
 * a {@code FileChannel} or a {@code FileInputStream} on the file anywhere in the JVM silently releases them. A
 * {@code RangeLock} belongs to its own open file description: closing other descriptors of the file, in this JVM or
 * elsewhere, leaves it held; only {@link #close()} (or the death of the process, also by {@code SIGKILL}) releases
 * it. It conflicts with overlapping {@code RangeLock}s of this JVM, even of the same thread, as with those of other
 * processes, and with overlapping classic locks ({@code FileChannel.lock}, Python's {@code fcntl.lockf}, C's
 * {@code fcntl(F_SETLK)} and {@code lockf}) of any process, this one included. It does not interact with
 * {@link Flock}.
 *
 * <p>{@link LockMode#SHARED} needs the file readable, {@link LockMode#EXCLUSIVE} readable and writable; it is
 * opened accordingly ({@code O_CLOEXEC}) and created (mode {@code 0666} less the umask) if missing. Waiting,
 * timeouts and interruption are described in the {@link org.jmmap.lock package documentation}. Keep a reference to
 * the lock while it should be held (try-with-resources): one that becomes unreachable without being closed is
 * released by a {@link Cleaner}.
 *
 * <pre>{@code
 * // record 7 of a file of 128-byte records, while other processes work on other records
 * try (RangeLock lock = RangeLock.acquire(Path.of("records.bin"), 7 * 128, 128, LockMode.EXCLUSIVE)) {
 *     // read, change and write record 7
 * }
 * }</pre>
 */
public final class RangeLock implements AutoCloseable {

    private static final int F_RDLCK = LockFile.C.get("F_RDLCK");
    private static final int F_WRLCK = LockFile.C.get("F_WRLCK");
    private static final int F_UNLCK = LockFile.C.get("F_UNLCK");
    private static final int F_OFD_SETLK = LockFile.C.find("F_OFD_SETLK").orElse(-1);
    private static final int F_OFD_GETLK = LockFile.C.find("F_OFD_GETLK").orElse(-1);

    private final Path file;
    private final long offset;
    private final long length;
    private final LockMode mode;
    private final LockFile.Descriptor descriptor;
    private final Cleaner.Cleanable cleanable;

    private RangeLock(Path file, long offset, long length, LockMode mode, int fd) {
        this.file = file;
        this.offset = offset;
        this.length = length;
        this.mode = mode;
        this.descriptor = new LockFile.Descriptor(fd,
                () -> LockFile.NATIVE.fcntlLock(fd, F_OFD_SETLK, F_UNLCK, offset, length, null));
        this.cleanable = descriptor.register(this);
    }

    /**
     * Locks {@code [offset, offset + length)} of {@code file} in {@code mode}, waiting as long as it takes.
     *
     * @param length the number of bytes, or 0 for everything from {@code offset} on
     * @throws IllegalArgumentException                        if {@code offset < 0}, {@code length < 0} or the range
     *                                                         ends past {@code Long.MAX_VALUE}
     * @throws java.nio.channels.FileLockInterruptionException if the thread is interrupted while waiting
     * @throws java.nio.file.AccessDeniedException             if the file cannot be opened for {@code mode}
     * @throws org.jmmap.ErrnoException                        if {@code fcntl} fails ({@code ENOLCK}, ...)
     */
    public static RangeLock acquire(Path file, long offset, long length, LockMode mode) throws IOException {
        return acquire(file, offset, length, mode, -1);
    }

    /**
     * Locks {@code [offset, offset + length)} of {@code file} in {@code mode}, waiting at most {@code timeout}
     * ({@link Duration#ZERO}: one attempt).
     *
     * @param length the number of bytes, or 0 for everything from {@code offset} on
     * @throws IllegalArgumentException                        if the range is invalid (see
     *                                                         {@link #acquire(Path, long, long, LockMode)}) or
     *                                                         {@code timeout} is negative
     * @throws org.jmmap.ErrnoException                        {@code ETIMEDOUT} (cause: a
     *                                                         {@link java.util.concurrent.TimeoutException}) if an
     *                                                         overlapping lock is still held after {@code timeout}
     * @throws java.nio.channels.FileLockInterruptionException if the thread is interrupted while waiting
     * @throws java.nio.file.AccessDeniedException             if the file cannot be opened for {@code mode}
     */
    public static RangeLock acquire(Path file, long offset, long length, LockMode mode, Duration timeout)
            throws IOException {
        return acquire(file, offset, length, mode, LockFile.nanos(timeout));
    }

    private static RangeLock acquire(Path file, long offset, long length, LockMode mode, long timeoutNanos)
            throws IOException {
        checkRange(offset, length);
        Objects.requireNonNull(mode, "mode");
        int fd = open(file, mode);
        try {
            int type = mode == LockMode.SHARED ? F_RDLCK : F_WRLCK;
            LockFile.await(() -> tryLock(file, offset, length, mode, fd),
                    nanos -> LockFile.NATIVE.rangeLockSlice(fd, type, offset, length, nanos),
                    result -> Errors.file("fcntl", result, file,
                            detail(file, offset, length, mode).replace("F_OFD_SETLK,", "F_OFD_SETLKW,")),
                    timeoutNanos, "fcntl", detail(file, offset, length, mode));
        } catch (IOException | RuntimeException | Error e) {
            LockFile.NATIVE.close(fd);
            throw e;
        }
        return new RangeLock(file, offset, length, mode, fd);
    }

    /**
     * Locks {@code [offset, offset + length)} of {@code file} in {@code mode} if no overlapping conflicting lock is
     * held; never waits.
     *
     * @param length the number of bytes, or 0 for everything from {@code offset} on
     * @return the lock, or empty if an overlapping lock is held elsewhere ({@code EAGAIN})
     * @throws IllegalArgumentException            if the range is invalid
     * @throws java.nio.file.AccessDeniedException if the file cannot be opened for {@code mode}
     * @throws org.jmmap.ErrnoException            if {@code fcntl} fails for another reason
     */
    public static Optional<RangeLock> tryAcquire(Path file, long offset, long length, LockMode mode)
            throws IOException {
        checkRange(offset, length);
        Objects.requireNonNull(mode, "mode");
        int fd = open(file, mode);
        boolean locked = false;
        try {
            locked = tryLock(file, offset, length, mode, fd);
        } finally {
            if (!locked) {
                LockFile.NATIVE.close(fd);
            }
        }
        return locked ? Optional.of(new RangeLock(file, offset, length, mode, fd)) : Optional.empty();
    }

    /**
     * The mode of a lock that someone (another process, another {@code RangeLock} of this JVM, or a classic
     * {@code fcntl} lock of any process) holds on part of {@code [offset, offset + length)} now, or empty if the
     * whole range is free ({@code F_OFD_GETLK}). A snapshot: the answer may be stale by the time it returns, so use
     * it for diagnostics, not to decide whether to lock.
     *
     * @param length the number of bytes, or 0 for everything from {@code offset} on
     * @throws IllegalArgumentException          if the range is invalid
     * @throws java.nio.file.NoSuchFileException if the file does not exist (it is not created)
     */
    public static Optional<LockMode> probe(Path file, long offset, long length) throws IOException {
        checkRange(offset, length);
        checkSupported();
        int fd = LockFile.open(file, LockFile.O_RDONLY, false);
        try {
            long[] found = new long[4];
            int result = LockFile.NATIVE.fcntlLock(fd, F_OFD_GETLK, F_WRLCK, offset, length, found);
            if (result < 0) {
                throw Errors.file("fcntl", result, file, "file=" + file + ", F_OFD_GETLK, offset=" + offset
                        + ", length=" + length);
            }
            if (found[0] == F_UNLCK) {
                return Optional.empty();
            }
            return Optional.of(found[0] == F_RDLCK ? LockMode.SHARED : LockMode.EXCLUSIVE);
        } finally {
            LockFile.NATIVE.close(fd);
        }
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset=" + offset + ": must be >= 0");
        }
        if (length < 0) {
            throw new IllegalArgumentException("length=" + length
                    + ": must be >= 0 (0 locks from offset to the end of the file and beyond)");
        }
        // The last byte, offset + length - 1, must be a file offset: at most Long.MAX_VALUE.
        if (length > 0 && offset - 1 > Long.MAX_VALUE - length) {
            throw new IllegalArgumentException("offset=" + offset + " length=" + length
                    + ": the range ends past Long.MAX_VALUE, the largest file offset (length 0 locks to the end)");
        }
    }

    private static void checkSupported() {
        if (F_OFD_SETLK < 0) {
            throw new UnsupportedOperationException("fcntl open file description locks (F_OFD_SETLK, Linux 3.15+) "
                    + "are not available on this platform");
        }
    }

    private static int open(Path file, LockMode mode) throws IOException {
        checkSupported();
        return LockFile.open(file, mode == LockMode.EXCLUSIVE ? LockFile.O_RDWR : LockFile.O_RDONLY, true);
    }

    private static boolean tryLock(Path file, long offset, long length, LockMode mode, int fd) throws IOException {
        int type = mode == LockMode.SHARED ? F_RDLCK : F_WRLCK;
        int result = LockFile.NATIVE.fcntlLock(fd, F_OFD_SETLK, type, offset, length, null);
        if (result == 0) {
            return true;
        }
        if (result == -LockFile.EAGAIN) {
            return false;
        }
        throw Errors.file("fcntl", result, file, detail(file, offset, length, mode));
    }

    private static String detail(Path file, long offset, long length, LockMode mode) {
        return "file=" + file + ", F_OFD_SETLK, " + (mode == LockMode.SHARED ? "F_RDLCK" : "F_WRLCK")
                + ", offset=" + offset + ", length=" + length;
    }

    /** The mode the lock was taken in. */
    public LockMode mode() {
        return mode;
    }

    /** The locked file, as given. */
    public Path file() {
        return file;
    }

    /** The first locked byte. */
    public long offset() {
        return offset;
    }

    /** The number of locked bytes, or 0 for everything from {@link #offset()} on. */
    public long length() {
        return length;
    }

    /** Whether the lock is held: true until {@link #close()}. */
    public boolean isHeld() {
        return !descriptor.isClosed();
    }

    /** Releases the lock ({@code F_UNLCK}) and closes the lock's descriptor. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public String toString() {
        return "RangeLock[" + file + ", offset=" + offset + ", length=" + length + ", " + mode
                + (isHeld() ? "]" : ", released]");
    }
}
