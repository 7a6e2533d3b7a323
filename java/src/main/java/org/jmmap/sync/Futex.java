package org.jmmap.sync;

import java.io.UncheckedIOException;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Objects;
import org.jmmap.Mapping;
import org.jmmap.internal.Backend;
import org.jmmap.internal.Backends;

/**
 * Linux futex operations on a 4-byte-aligned int of a {@link Mapping}: sleep until another thread or process
 * changes the int and wakes the sleepers. The building block of {@link SharedMutex} and
 * {@link SharedValue#awaitChange}; use it directly for events and condition signalling between processes.
 *
 * <p>These are the shared ({@code FUTEX_WAIT}, {@code FUTEX_WAKE}), not the {@code _PRIVATE}, operations: the
 * kernel identifies the int by the page backing it, so processes that map the same file, or the same POSIX shared
 * memory, at any address wait and wake each other. On private memory ({@link Mapping#anonymous}, {@code PRIVATE}
 * file mappings) only threads of the same process meet.
 *
 * <p>The usual pattern: the waiter reads the int, decides to wait for it to change, and calls
 * {@code await(m, offset, valueItRead, timeout)}; the kernel sleeps only if the int still holds that value, so a
 * change made between the read and the call is never missed. The changer writes the int (a volatile or release
 * write, or an atomic update, through {@code Mapping}) and then calls {@link #wake}. A waiter may return without a
 * wake (a spurious wake-up): always re-check the int in a loop.
 *
 * <p>{@code await} does not respond to {@link Thread#interrupt()}; {@link #awaitInterruptibly} does, as the waits
 * of {@code java.util.concurrent} do: it throws {@link InterruptedException}, with the interrupt status cleared,
 * within {@value #INTERRUPT_CHECK_MILLIS} ms of the interrupt (a thread blocked in the kernel cannot be reached by
 * {@code Thread.interrupt()}, so it sleeps in slices of at most that long and checks between them; the waker's
 * side is unchanged, and no change of the int is missed between two slices, because each slice sleeps only while
 * the int still holds {@code expected}).
 */
public final class Futex {

    private static final Backend NATIVE = Backends.get();

    /** Longest time, in milliseconds, an interruptible wait sleeps before it checks for an interrupt: {@value}. */
    public static final int INTERRUPT_CHECK_MILLIS = 20;
    static final long INTERRUPT_CHECK_NANOS = INTERRUPT_CHECK_MILLIS * 1_000_000L;

    private Futex() {
    }

    /**
     * Sleeps while the int at {@code offset} holds {@code expected}, at most {@code timeout}.
     *
     * @param timeout how long to wait at most; zero or negative checks the value without sleeping
     * @return {@code false} if the time ran out with the int still holding {@code expected}; {@code true} if the
     *         thread was woken, if the int did not hold {@code expected} (the kernel's {@code EAGAIN}), or on a
     *         spurious wake-up
     * @throws IllegalArgumentException  if the absolute address of {@code offset} is not 4-byte aligned
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4)} is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     * @throws UncheckedIOException      with an {@link org.jmmap.ErrnoException} cause if the kernel refuses the
     *                                   wait ({@code EFAULT} when the page is no longer backed by its file)
     */
    public static boolean await(Mapping m, long offset, int expected, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return waitNanos(m, offset, expected, nanos(timeout));
    }

    /**
     * Sleeps while the int at {@code offset} holds {@code expected}, without a time limit. Returns when woken, when
     * the int did not hold {@code expected}, or spuriously.
     *
     * @throws IllegalArgumentException  if the absolute address of {@code offset} is not 4-byte aligned
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4)} is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     * @throws UncheckedIOException      if the kernel refuses the wait, as for
     *                                   {@link #await(Mapping, long, int, Duration)}
     */
    public static void await(Mapping m, long offset, int expected) {
        waitNanos(m, offset, expected, -1);
    }

    /**
     * Sleeps while the int at {@code offset} holds {@code expected}, at most {@code timeout}, or until the thread is
     * interrupted.
     *
     * @param timeout how long to wait at most; zero or negative checks the value without sleeping
     * @return as {@link #await(Mapping, long, int, Duration)}: {@code false} if the time ran out with the int
     *         still holding {@code expected}, {@code true} otherwise
     * @throws InterruptedException      if the thread was interrupted before or while waiting (the interrupt
     *                                   status is cleared)
     * @throws IllegalArgumentException  if the absolute address of {@code offset} is not 4-byte aligned
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4)} is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     * @throws UncheckedIOException      if the kernel refuses the wait, as for
     *                                   {@link #await(Mapping, long, int, Duration)}
     */
    public static boolean awaitInterruptibly(Mapping m, long offset, int expected, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return waitInterruptiblyChecked(m, check(m, offset), expected, nanos(timeout), offset);
    }

    /**
     * Sleeps while the int at {@code offset} holds {@code expected}, without a time limit, until woken (or
     * spuriously) or interrupted.
     *
     * @throws InterruptedException      if the thread was interrupted before or while waiting (the interrupt
     *                                   status is cleared)
     * @throws IllegalArgumentException  if the absolute address of {@code offset} is not 4-byte aligned
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4)} is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     * @throws UncheckedIOException      if the kernel refuses the wait, as for
     *                                   {@link #await(Mapping, long, int, Duration)}
     */
    public static void awaitInterruptibly(Mapping m, long offset, int expected) throws InterruptedException {
        waitInterruptiblyChecked(m, check(m, offset), expected, -1, offset);
    }

    /**
     * Wakes at most {@code count} threads (of any process) sleeping on the int at {@code offset}.
     *
     * @param count how many to wake at most, {@code > 0}; {@code Integer.MAX_VALUE} wakes all
     * @return how many were woken
     * @throws IllegalArgumentException  if {@code count <= 0} or the address of {@code offset} is not 4-byte aligned
     * @throws IndexOutOfBoundsException if {@code [offset, offset + 4)} is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     * @throws UncheckedIOException      with an {@link org.jmmap.ErrnoException} cause if the kernel refuses
     */
    public static int wake(Mapping m, long offset, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("count=" + count + ": must be > 0");
        }
        long address = check(m, offset);
        int woken = NATIVE.futexWake(address, count);
        Reference.reachabilityFence(m);
        if (woken < 0) {
            throw SyncErrors.errno("futex", woken, "FUTEX_WAKE, offset=" + offset + ", count=" + count);
        }
        return woken;
    }

    /** Duration to nanoseconds, saturating instead of overflowing; negative becomes zero. */
    static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** @param timeoutNanos {@code < 0}: no limit */
    private static boolean waitNanos(Mapping m, long offset, int expected, long timeoutNanos) {
        long address = check(m, offset);
        int result = NATIVE.futexWait(address, expected, timeoutNanos);
        Reference.reachabilityFence(m);
        return result(result, offset);
    }

    /** Waits on an address already checked; used by this package's classes. */
    static boolean waitChecked(Mapping m, long address, int expected, long timeoutNanos, long offset) {
        int result = NATIVE.futexWait(address, expected, timeoutNanos);
        Reference.reachabilityFence(m);
        return result(result, offset);
    }

    /**
     * {@link #waitChecked} in slices of at most {@link #INTERRUPT_CHECK_NANOS}, checking for an interrupt before
     * each; used by this package's classes.
     *
     * @param timeoutNanos {@code < 0}: no limit
     */
    static boolean waitInterruptiblyChecked(Mapping m, long address, int expected, long timeoutNanos, long offset)
            throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            long slice = INTERRUPT_CHECK_NANOS;
            if (timeoutNanos >= 0) {
                slice = Math.min(slice, Math.max(0, timeoutNanos - (System.nanoTime() - start)));
            }
            if (waitChecked(m, address, expected, slice, offset)) {
                return true;
            }
            if (timeoutNanos >= 0 && System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
        }
    }

    /** Wakes on an address already checked; used by this package's classes. */
    static int wakeChecked(Mapping m, long address, int count, long offset) {
        int woken = NATIVE.futexWake(address, count);
        Reference.reachabilityFence(m);
        if (woken < 0) {
            throw SyncErrors.errno("futex", woken, "FUTEX_WAKE, offset=" + offset + ", count=" + count);
        }
        return woken;
    }

    private static boolean result(int result, long offset) {
        if (result == 0 || result == -SyncErrors.EAGAIN) {
            return true;
        }
        if (result == -SyncErrors.ETIMEDOUT) {
            return false;
        }
        throw SyncErrors.errno("futex", result, "FUTEX_WAIT, offset=" + offset);
    }

    private static long check(Mapping m, long offset) {
        Objects.requireNonNull(m, "m");
        long base = m.address(); // IllegalStateException when closed
        long length = m.length();
        if (offset < 0 || offset > length - Integer.BYTES) {
            throw new IndexOutOfBoundsException("offset=" + offset + " size=4 length=" + length);
        }
        long address = base + offset;
        if ((address & 3) != 0) {
            throw new IllegalArgumentException("offset=" + offset + " address=0x" + Long.toHexString(address)
                    + ": a futex word needs 4-byte alignment");
        }
        return address;
    }
}
