package org.jmmap.lock;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jmmap.ErrnoException;
import org.jmmap.internal.Errors;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;
import org.jmmap.internal.Constants;
import org.jmmap.internal.PosixFiles;

/** What {@link Flock} and {@link RangeLock} share: opening the file, waiting, and closing the descriptor. */
final class LockFile {

    static final Backend NATIVE = Backends.get();
    static final Constants C = NATIVE.constants();
    static final int O_RDONLY = C.get("O_RDONLY");
    static final int O_RDWR = C.get("O_RDWR");
    private static final int O_CREAT = C.get("O_CREAT");
    private static final int MODE_CREATE = 0666; // narrowed by the umask, as for any new file
    /** EWOULDBLOCK: flock(LOCK_NB) and F_OFD_SETLK of a lock held elsewhere. The same number as EAGAIN on Linux. */
    static final int EWOULDBLOCK = Errors.number("EWOULDBLOCK");
    static final int EAGAIN = Errors.number("EAGAIN");
    private static final int EISDIR = Errors.number("EISDIR");
    private static final int ETIMEDOUT = Errors.number("ETIMEDOUT");
    private static final int EINTR = Errors.number("EINTR");
    private static final int ENOSYS = Errors.number("ENOSYS");

    /** The longest wait in the kernel before the interrupt status and the deadline are checked again. */
    static final long SLICE_NANOS = 20_000_000;
    /** Without waits in the kernel (JNA backend): the first and the longest pause between attempts. */
    static final long FIRST_PAUSE_NANOS = 50_000;
    static final long MAX_PAUSE_NANOS = 10_000_000;

    private static final Cleaner CLEANER = Cleaner.create();

    private LockFile() {
    }

    /** One attempt to take a lock without waiting: true if taken, false if held elsewhere; throws for errors. */
    @FunctionalInterface
    interface Attempt {
        boolean tryOnce() throws IOException;
    }

    /** A wait in the kernel for at most {@code nanos}: {@link Backend#flockSlice} or {@link Backend#rangeLockSlice}. */
    @FunctionalInterface
    interface Slice {
        int waitAtMost(long nanos);
    }

    /** What a failed call ({@code -errno}) becomes. */
    @FunctionalInterface
    interface Failure {
        IOException of(int result);
    }

    /**
     * Opens {@code file} for locking ({@code O_CLOEXEC}, so that no child process inherits the lock), creating it
     * if missing when {@code create}; {@code O_RDWR} or {@code O_RDONLY}. A directory is opened read-only without
     * {@code O_CREAT}.
     */
    static int open(Path file, int access, boolean create) throws IOException {
        Objects.requireNonNull(file, "file");
        if (file.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException("file=" + file + ": only files of the default file system can be locked");
        }
        byte[] name = PosixFiles.encode(file);
        int flags = PosixFiles.openFlags(access);
        int fd = NATIVE.open(name, create ? flags | O_CREAT : flags, MODE_CREATE);
        if (fd == -EISDIR && access == O_RDONLY && create) {
            fd = NATIVE.open(name, flags, 0);
        }
        if (fd < 0) {
            throw Errors.file("open", fd, file, "file=" + file + (access == O_RDWR ? ", O_RDWR" : ", O_RDONLY"));
        }
        return fd;
    }


    /** The timeout in nanoseconds, saturated; IllegalArgumentException if negative. */
    static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout=" + timeout + ": must be >= 0");
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Takes a lock, waiting at most {@code timeoutNanos} (see the package documentation): one {@code attempt}
     * without waiting, then waits in the kernel in {@code slice}s of at most {@link #SLICE_NANOS}, checking the
     * interrupt status and the deadline between them. Where the backend cannot bound a wait in the kernel, it
     * retries {@code attempt} instead, pausing from {@link #FIRST_PAUSE_NANOS} up to {@link #MAX_PAUSE_NANOS}.
     *
     * @param timeoutNanos how long to wait at most, or -1 for no limit
     * @param call         the call and detail for the timeout exception's message
     * @throws FileLockInterruptionException if the thread is interrupted while waiting (its status stays set)
     * @throws ErrnoException                {@code ETIMEDOUT} on expiry, with a {@link TimeoutException} cause
     */
    static void await(Attempt attempt, Slice slice, Failure failure, long timeoutNanos, String call, String detail)
            throws IOException {
        if (attempt.tryOnce()) {
            return;
        }
        long start = System.nanoTime();
        long pause = FIRST_PAUSE_NANOS;
        boolean kernelWaits = true;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                throw new FileLockInterruptionException();
            }
            long remaining = timeoutNanos < 0 ? Long.MAX_VALUE : timeoutNanos - (System.nanoTime() - start);
            if (remaining <= 0) {
                Duration timeout = Duration.ofNanos(timeoutNanos);
                ErrnoException expired = Errors.errno(call, -ETIMEDOUT, detail, "the lock was still held elsewhere "
                        + "after timeout=" + timeout);
                expired.initCause(new TimeoutException("lock not granted within " + timeout));
                throw expired;
            }
            if (kernelWaits) {
                int result = slice.waitAtMost(Math.min(SLICE_NANOS, remaining));
                if (result == 0) {
                    return;
                } else if (result == -ENOSYS) {
                    kernelWaits = false;
                } else if (result != -EINTR) {
                    throw failure.of(result);
                }
            } else {
                LockSupport.parkNanos(Math.min(pause, remaining));
                pause = Math.min(2 * pause, MAX_PAUSE_NANOS);
                if (attempt.tryOnce()) {
                    return;
                }
            }
        }
    }

    /**
     * A lock's descriptor: {@link #run()} releases the lock (through {@code unlock}) and closes the descriptor,
     * once; called by {@code close()}, or by the Cleaner for a lock that became unreachable unclosed.
     */
    static final class Descriptor implements Runnable {
        final int fd;
        private final Runnable unlock;
        private final AtomicBoolean closed = new AtomicBoolean();

        Descriptor(int fd, Runnable unlock) {
            this.fd = fd;
            this.unlock = unlock;
        }

        boolean isClosed() {
            return closed.get();
        }

        @Override
        public void run() {
            if (closed.compareAndSet(false, true)) {
                // Unlocking first releases the lock at once even if a child process forked meanwhile holds a copy
                // of the descriptor (until its exec closes it).
                unlock.run();
                NATIVE.close(fd);
            }
        }

        /** Registers this descriptor for release once {@code owner} is unreachable. */
        Cleaner.Cleanable register(Object owner) {
            return CLEANER.register(owner, this);
        }
    }
}
