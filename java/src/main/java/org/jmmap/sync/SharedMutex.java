package org.jmmap.sync;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.jmmap.Mapping;

/**
 * A mutual-exclusion lock for threads of any number of processes, living in {@link #SIZE} bytes of a shared
 * {@link Mapping} (a file mapped {@code READ_WRITE}, or POSIX shared memory). Zeroed memory is an unlocked mutex:
 * no initialisation step, and every process just calls {@link #at}. Not reentrant.
 *
 * <pre>{@code
 * SharedMutex mutex = SharedMutex.at(mapping, 0);
 * mutex.lock();
 * try {
 *     if (mutex.previousOwnerDied()) {
 *         // the last holder was killed inside its critical section: check or repair the data
 *     }
 *     mapping.putLong(64, mapping.getLong(64) + 1);
 * } finally {
 *     mutex.unlock();
 * }
 * }</pre>
 *
 * <h2>Cost</h2>
 * An uncontended {@code lock()} + {@code unlock()} stays in Java: one compare-and-set to acquire, one exchange to
 * release, and a few plain stores of the owner's identity. The kernel is entered only when a thread must sleep
 * ({@code FUTEX_WAIT}) and when {@code unlock} finds sleepers to wake ({@code FUTEX_WAKE}). The atomics are
 * HotSpot's own on a view of the mapping, not {@link Mapping#compareAndSetInt}, which on a file mapping crosses JNI
 * to survive a file truncated underneath (see {@code SharedMutexBenchmark} for both). The consequence is the one a
 * {@code pthread_mutex_t} in a mapped file has in C: truncating the file under a mutex in use ends the process that
 * touches the mutex next.
 *
 * <h2>Memory ordering</h2>
 * The exchange in {@link #unlock()} is a volatile write; the compare-and-set that acquires in {@link #lock()} (or
 * {@code tryLock}) is a volatile read-modify-write of the same int. So everything a holder wrote to any shared
 * memory before {@code unlock()} is visible to the next holder, in whatever process, after its {@code lock()}.
 *
 * <h2>Layout and protocol</h2>
 * <pre>
 * offset 0   int   state: 0 = unlocked; otherwise the owner's pid, plus bit 31 when threads may be sleeping
 * offset 4   int   the owner's pid namespace (inode of /proc/&lt;pid&gt;/ns/pid); left as it is by unlock
 * offset 8   long  the owner's identity: (start time in clock ticks since boot &lt;&lt; 22) | pid; 0 when unlocked
 * offset 16  long  the owning thread's {@link Thread#getId() id}; 0 when unlocked
 * offset 24  8 bytes reserved (zero)
 * </pre>
 * {@code lock()} sets the state from 0 to its pid with one compare-and-set, then records its identity and thread.
 * A thread that finds the mutex held sets bit 31 and sleeps on the state with {@code FUTEX_WAIT}, for at most
 * 100 ms at a time; {@code unlock()} clears the state and, if bit 31 was set, wakes one sleeper, which takes the
 * mutex with bit 31 set (it cannot know whether others sleep).
 *
 * <h2>When the holder dies</h2>
 * The kernel's robust-futex list, which releases a dead thread's locks, belongs to the C library in every thread
 * and cannot be shared with it; instead, a waiter whose 100 ms sleep ran out checks the recorded owner in
 * {@code /proc}: if no process has the owner's pid any more, or the process with that pid started at another time
 * (the pid was reused), or it is a zombie, the owner is dead, and the waiter takes the mutex over with a
 * compare-and-set of the state it saw; {@link #previousOwnerDied()} then returns {@code true}. So a waiter acquires
 * a dead process's mutex within about 100 ms. {@link #tryLock()} makes the same check once. Limits:
 * <ul>
 *   <li>Only the death of the owning <em>process</em> is detected. A thread that ends without unlocking leaves the
 *       mutex locked, as with {@link java.util.concurrent.locks.ReentrantLock}.</li>
 *   <li>Processes in different pid namespaces (containers) cannot judge each other's liveness: a mutex held by a
 *       process of another namespace is never taken over, however long it stays locked.</li>
 *   <li>If the owner dies in the few instructions between its compare-and-set and recording its identity, waiters
 *       take the mutex over only after its pid has been gone for a second; should the pid be reused meanwhile, the
 *       mutex stays locked.</li>
 *   <li>The data the dead owner was changing may be half changed: that is what {@code previousOwnerDied()} is
 *       for.</li>
 * </ul>
 *
 * <h2>Threads and instances</h2>
 * A {@code SharedMutex} object may be shared by threads, and any number of objects (in any processes) may stand
 * for the same memory. {@code lock} by the thread that holds the mutex throws rather than deadlocking. The mapping
 * must stay open and must not be resized while a thread uses the mutex.
 *
 * <h2>Interrupts</h2>
 * As with {@link java.util.concurrent.locks.Lock}: {@link #lock()} ignores {@link Thread#interrupt()} and waits
 * on; {@link #lockInterruptibly()} and {@link #tryLock(Duration)} throw {@link InterruptedException} (clearing the
 * interrupt status) if the thread is interrupted before they start or while they sleep, within
 * {@value Futex#INTERRUPT_CHECK_MILLIS} ms of the interrupt. A waiter that gives up leaves the mutex as it was: the
 * holder's {@code unlock()} still wakes the remaining sleepers.
 */
public final class SharedMutex {

    /** Bytes a mutex occupies: {@value}. */
    public static final int SIZE = 32;
    /** Alignment the absolute address of a mutex needs: {@value} bytes. */
    public static final int ALIGNMENT = 8;

    private static final int STATE = 0;
    private static final int NAMESPACE = 4;
    private static final int OWNER = 8;
    private static final int THREAD = 16;
    private static final int WAITERS = 0x8000_0000;
    private static final int PID_MASK = Owners.PID_MASK;
    /** Longest sleep between two checks of the owner's liveness. */
    private static final long CHECK_NANOS = 100_000_000L;
    /** How long a locked state without a recorded owner must last, its pid gone, before it counts as dead. */
    private static final long UNRECORDED_NANOS = 1_000_000_000L;
    private static final int SPINS = 64;

    private final SharedWords words;
    /** Whether the current hold was taken over from a dead owner; written and read by the holder only. */
    private boolean previousOwnerDied;

    private SharedMutex(SharedWords words) {
        this.words = words;
    }

    /**
     * The mutex in {@code [offset, offset + SIZE)} of {@code m}. Zeroed bytes are an unlocked mutex.
     *
     * @throws IllegalArgumentException  if the absolute address of {@code offset} is not {@link #ALIGNMENT}-aligned,
     *                                   or the mapping is {@code READ_ONLY}
     * @throws IndexOutOfBoundsException if the area is not inside the mapping
     * @throws IllegalStateException     if the mapping is closed
     */
    public static SharedMutex at(Mapping m, long offset) {
        return new SharedMutex(new SharedWords(m, offset, SIZE, ALIGNMENT, "SharedMutex"));
    }

    /**
     * Acquires the mutex, sleeping as long as another thread holds it; takes it over if its holder's process died.
     *
     * @throws IllegalStateException if the current thread already holds it (the mutex is not reentrant), or the
     *                               mapping is closed
     */
    public void lock() {
        ByteBuffer b = words.buffer();
        if (!SharedWords.compareAndSetInt(b, STATE, 0, Owners.PID)) {
            try {
                acquireSlowly(-1, false);
            } catch (InterruptedException impossible) {
                throw new AssertionError(impossible); // an uninterruptible acquire never throws it
            }
            return;
        }
        acquired(b, false);
    }

    /**
     * Acquires the mutex as {@link #lock()} does, unless the current thread is interrupted first.
     *
     * @throws InterruptedException  if the thread was interrupted before or while waiting (the interrupt status is
     *                               cleared); the mutex is then not held by it
     * @throws IllegalStateException if the current thread already holds it, or the mapping is closed
     */
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!words.compareAndSetInt(STATE, 0, Owners.PID)) {
            acquireSlowly(-1, true);
            return;
        }
        acquired(false);
    }

    /**
     * Acquires the mutex if it is free, or held by a process that died; never sleeps.
     *
     * @return whether the current thread now holds it
     * @throws IllegalStateException if the current thread already holds it, or the mapping is closed
     */
    public boolean tryLock() {
        while (true) {
            if (words.compareAndSetInt(STATE, 0, Owners.PID)) {
                acquired(false);
                return true;
            }
            int state = words.getIntVolatile(STATE);
            if (state != 0) {
                checkNotHeldByMe(state);
                return takeOverIfOwnerDied(state);
            }
        }
    }

    /**
     * Acquires the mutex, sleeping at most {@code timeout} while another thread holds it, unless the current thread
     * is interrupted first.
     *
     * @param timeout zero or negative: as {@link #tryLock()}
     * @return whether the current thread now holds it
     * @throws InterruptedException  if the thread was interrupted before or while waiting (the interrupt status is
     *                               cleared); the mutex is then not held by it
     * @throws IllegalStateException if the current thread already holds it, or the mapping is closed
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        long nanos = Futex.nanos(timeout);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (words.compareAndSetInt(STATE, 0, Owners.PID)) {
            acquired(false);
            return true;
        }
        return nanos == 0 ? tryLock() : acquireSlowly(nanos, true);
    }

    /**
     * Releases the mutex, waking one thread sleeping on it if there is one.
     *
     * @throws IllegalMonitorStateException if the current thread does not hold it
     * @throws IllegalStateException        if the mapping is closed
     */
    public void unlock() {
        ByteBuffer b = words.buffer();
        int state = SharedWords.getIntVolatile(b, STATE);
        long thread = currentThread();
        if ((state & PID_MASK) != Owners.PID || SharedWords.getLongOpaque(b, THREAD) != thread) {
            throw new IllegalMonitorStateException("unlock by a thread that does not hold the SharedMutex: thread="
                    + thread + " pid=" + Owners.PID + " state=0x" + Integer.toHexString(state));
        }
        previousOwnerDied = false;
        // Cleared so that a waiter never judges the next owner by this one's record (the next owner may have
        // this pid and still not have recorded itself).
        SharedWords.setLongOpaque(b, OWNER, 0);
        SharedWords.setLongOpaque(b, THREAD, 0);
        int before = SharedWords.getAndSetInt(b, STATE, 0);
        if ((before & WAITERS) != 0) {
            Futex.wakeChecked(words.mapping, words.address(STATE), 1, words.offset);
        }
    }

    /**
     * Whether the current hold was taken over from a holder whose process died holding the mutex: the data it
     * guards may be half updated. Meaningful to the thread holding the mutex.
     */
    public boolean previousOwnerDied() {
        return previousOwnerDied;
    }

    /** Whether the current thread holds the mutex. */
    public boolean isHeldByCurrentThread() {
        int state = words.getIntVolatile(STATE);
        return (state & PID_MASK) == Owners.PID && words.getLongOpaque(THREAD) == currentThread();
    }

    /** Whether some thread of some process holds the mutex (a snapshot: it may change at once). */
    public boolean isLocked() {
        return words.getIntVolatile(STATE) != 0;
    }

    /** Whether the mutex is held by a process that no longer exists (false when that cannot be known). */
    boolean holderDied() {
        int state = words.getIntVolatile(STATE);
        return state != 0 && ownerDead(state, Long.MAX_VALUE);
    }

    @Override
    public String toString() {
        int state = words.getIntVolatile(STATE);
        return "SharedMutex[offset=" + words.offset + ", "
                + (state == 0 ? "unlocked" : "locked by pid " + (state & PID_MASK)) + "]";
    }

    @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+
    private static long currentThread() {
        return Thread.currentThread().getId();
    }

    private void acquired(boolean ownerDied) {
        acquired(words.buffer(), ownerDied);
    }

    private void acquired(ByteBuffer b, boolean ownerDied) {
        SharedWords.setIntRelease(b, NAMESPACE, Owners.NAMESPACE);
        SharedWords.setLongRelease(b, OWNER, Owners.SELF); // after the namespace: a reader matching it sees both
        SharedWords.setLongOpaque(b, THREAD, currentThread());
        previousOwnerDied = ownerDied;
    }

    private void checkNotHeldByMe(int state) {
        if ((state & PID_MASK) == Owners.PID && words.getLongOpaque(THREAD) == currentThread()) {
            throw new IllegalStateException("the current thread already holds this SharedMutex (it is not reentrant)");
        }
    }

    /**
     * @param timeoutNanos  {@code < 0}: no limit
     * @param interruptible whether to sleep in slices of {@link Futex#INTERRUPT_CHECK_NANOS} and throw
     *                      {@link InterruptedException} when interrupted
     */
    private boolean acquireSlowly(long timeoutNanos, boolean interruptible) throws InterruptedException {
        long start = System.nanoTime();
        int spins = 0;
        int unrecordedState = 0;
        long unrecordedSince = 0;
        long quietSince = start; // since when the state has not changed and nobody woke this thread
        while (true) {
            if (interruptible && Thread.interrupted()) {
                throw new InterruptedException();
            }
            int state = words.getIntVolatile(STATE);
            if (state == 0) {
                // Taken with the waiters bit: other threads may be asleep, and only an unlock that sees it wakes them.
                if (words.compareAndSetInt(STATE, 0, Owners.PID | WAITERS)) {
                    acquired(false);
                    return true;
                }
                continue;
            }
            if (spins == 0) {
                checkNotHeldByMe(state);
            }
            if (spins++ < SPINS) {
                Thread.onSpinWait();
                continue;
            }
            if ((state & WAITERS) == 0) {
                if (!words.compareAndSetInt(STATE, state, state | WAITERS)) {
                    continue;
                }
                state |= WAITERS;
            }
            long now = System.nanoTime();
            long slice = Math.max(1, CHECK_NANOS - (now - quietSince));
            if (interruptible) {
                slice = Math.min(slice, Futex.INTERRUPT_CHECK_NANOS);
            }
            if (timeoutNanos >= 0) {
                long left = timeoutNanos - (now - start);
                if (left <= 0) {
                    return false;
                }
                slice = Math.min(slice, left);
            }
            boolean woken = Futex.waitChecked(words.mapping, words.address(STATE), state, slice, words.offset);
            if (woken || words.getIntVolatile(STATE) != state) {
                quietSince = System.nanoTime();
                continue;
            }
            if (System.nanoTime() - quietSince < CHECK_NANOS) {
                continue; // an interrupt-check slice ended; the owner is checked once a whole CHECK_NANOS is quiet
            }
            quietSince = System.nanoTime();
            // A whole CHECK_NANOS without a change: is the owner still there?
            if (state != unrecordedState) {
                unrecordedState = state;
                unrecordedSince = System.nanoTime();
            }
            if (ownerDead(state, System.nanoTime() - unrecordedSince) && takeOver(state)) {
                return true;
            }
        }
    }

    private boolean takeOverIfOwnerDied(int state) {
        return ownerDead(state, 0) && takeOver(state);
    }

    private boolean takeOver(int state) {
        if (words.compareAndSetInt(STATE, state, Owners.PID | WAITERS)) {
            acquired(true);
            return true;
        }
        return false;
    }

    /**
     * Whether the owner of {@code state} is dead.
     *
     * @param unrecordedNanos how long the caller has seen this state (matters only when the owner has not
     *                        recorded its identity: it died right after acquiring, or is about to record it)
     */
    private boolean ownerDead(int state, long unrecordedNanos) {
        int pid = state & PID_MASK;
        long owner = words.getLongAcquire(OWNER);
        if (owner != 0 && Owners.pid(owner) == pid) {
            int namespace = words.getIntAcquire(NAMESPACE);
            return Owners.check(owner, namespace) == Owners.Liveness.DEAD;
        }
        return unrecordedNanos >= UNRECORDED_NANOS && Owners.pidGone(pid);
    }
}
